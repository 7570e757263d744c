import type { StopPhaseCosts } from '../../../lib/engines/migration/downtime.js';
import type { RoundRecord } from '../../../lib/engines/migration/metrics.js';
import { NO_RULES, type Policy } from '../../../lib/engines/migration/policy.js';
import { Migration } from '../../../lib/engines/migration/rounds.js';
import { Dom0Work, type TransferPath } from '../../../lib/engines/migration/transfer.js';
import { Simulation, type Yieldable } from '../../../lib/sim/index.js';
import { Disk, Host, PageMemory, VM } from '../../../lib/vm/index.js';

/** A policy with every rule off: pre-copy in address order, no rate limit, no stop rule. */
export function bare(overrides: Partial<Policy> = {}): Policy {
  return { name: 'test', description: 'test policy', precopy: true, skipRedirtied: false, order: 'address', ...NO_RULES, autoConverge: false, ...overrides };
}

/**
 * A path whose batches take exactly bytes ÷ min(cap, goodput) seconds, rounded to the ns, and that
 * arrive as they leave (drain is free). It records every send.
 */
export class FixedPath implements TransferPath {
  readonly sends: Array<{ bytes: number; capBytesPerS: number; atNs: number }> = [];
  /** Throw on this send (1-based), to see an error that is not an abort. */
  failOnSend = 0;

  constructor(
    private readonly sim: Simulation,
    readonly goodputBytesPerS: number,
  ) {}

  send(bytes: number, capBytesPerS: number): Yieldable {
    this.sends.push({ bytes, capBytesPerS, atNs: this.sim.now });
    if (this.sends.length === this.failOnSend) throw new Error('link exploded');
    return Math.round((bytes / Math.min(capBytesPerS, this.goodputBytesPerS)) * 1e9);
  }

  drain(): Yieldable {
    return 0;
  }
}

/** What the guest does in guest time (from, to]: the rig passes the VM's memory and disk of the moment. */
export type Writes = (memory: PageMemory, disk: Disk, fromNs: number, toNs: number) => void;

export interface RigOptions {
  readonly pages?: number;
  readonly pageBytes?: number;
  readonly contentBacked?: boolean;
  readonly blocks?: number;
  readonly diskContentBacked?: boolean;
  /** Pre-copy the disk. */
  readonly disk?: boolean;
  readonly policy?: Policy;
  /** The path's goodput, bytes/s (default: one 4-KiB page per ms). */
  readonly bytesPerS?: number;
  readonly costs?: StopPhaseCosts;
  /** Domain-0 CPU per byte (0: free, no claim). */
  readonly nsPerByte?: number;
  readonly writes?: Writes;
}

export const PAGE_MS = 4096 * 1000; // bytes/s: a 4-KiB page takes 1 ms

/**
 * A migration of one VM from host A to host B, built directly (no network, no clients): the guest
 * runs at full speed (domain 0 on its own core, no log-dirty trap cost) and writes what `writes`
 * says, so every round's timing and content follow from the options alone.
 */
export function rig(opts: RigOptions = {}) {
  const sim = new Simulation();
  const source = new Host('A', { sharedCpu: false });
  const target = new Host('B', { sharedCpu: false });
  const memory = new PageMemory({ pages: opts.pages ?? 64, pageBytes: opts.pageBytes ?? 4096, contentBacked: opts.contentBacked ?? false });
  const disk = new Disk(opts.blocks ?? 8, { blockBytes: opts.pageBytes ?? 4096, contentBacked: opts.diskContentBacked ?? false });
  const writes = opts.writes;
  let vm: VM | null = null;
  vm = new VM({
    sim,
    host: source,
    memory,
    disk,
    program: {
      advance: (from, to) => writes?.(vm!.memory, vm!.disk, from, to),
      snapshot: () => null,
      restore: () => {},
    },
    cpuBound: false,
    trapNs: 0,
  });
  const path = new FixedPath(sim, opts.bytesPerS ?? PAGE_MS);
  const redirects: Array<{ host: string; atNs: number }> = [];
  const dom0 = new Dom0Work(source.dom0Cpu, opts.nsPerByte ?? 0);
  const migration = new Migration({
    sim,
    vm,
    target,
    policy: opts.policy ?? bare(),
    path,
    dom0,
    disk: opts.disk ?? false,
    costs: opts.costs ?? { suspendNs: 0, startupNs: 0, redirectNs: 0 },
    redirect: (h) => redirects.push({ host: h.name, atNs: sim.now }),
  });
  /** Start the migration at `atNs`. */
  const startAt = (atNs: number): void => {
    sim.at(atNs, () => sim.process(migration.run(), 'migration'));
  };
  /** The round rows as readers of `series.rounds` see them. */
  const rows = (): RoundRecord[] => migration.rounds;
  return { sim, vm, memory, disk, source, target, path, dom0, migration, redirects, startAt, rows };
}

/** Writes to `page` at each guest time in `timesNs`. */
export function writeAt(page: number, ...timesNs: number[]): Writes {
  return (memory, _disk, from, to) => {
    for (const t of timesNs) if (t > from && t <= to) memory.write(page);
  };
}
