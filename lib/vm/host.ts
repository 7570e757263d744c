import { HostCpu } from './host-cpu.js';

/**
 * A physical host: its CPU (shared by the guest and, where the testbed shared it, domain 0) and
 * whether it is alive. Network attachment is the topology's business (lib/net).
 */
export class Host {
  readonly name: string;
  /** The core(s) the guest's vCPU runs on. */
  readonly cpu: HostCpu;
  /** Where domain-0 work runs: the guest's core when `sharedCpu` (C9), else a core of its own. */
  readonly dom0Cpu: HostCpu;
  readonly sharedCpu: boolean;
  alive = true;

  constructor(name: string, opts: { sharedCpu: boolean; cores?: number }) {
    this.name = name;
    this.sharedCpu = opts.sharedCpu;
    this.cpu = new HostCpu(opts.cores ?? 1);
    this.dom0Cpu = opts.sharedCpu ? this.cpu : new HostCpu(1);
  }
}
