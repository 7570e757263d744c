import type { Simulation } from '../../../lib/sim/index.js';
import { Disk, Host, PageMemory, VM } from '../../../lib/vm/index.js';
import type { ShadowCosts } from '../../../lib/replication/shadow/index.js';

/** A guest that writes nothing by itself (a service replica between requests). */
export const quietProgram = {
  advance() {},
  snapshot: () => null,
  restore() {},
};

export function contentMemory(pages: number, pageBytes = 64): PageMemory {
  return new PageMemory({ pages, pageBytes, contentBacked: true });
}

/** A VM on `host` with `memory` and a quiet guest that claims no CPU while idle. */
export function quietVm(sim: Simulation, host: Host, memory: PageMemory, name = 'vm'): VM {
  return new VM({ sim, host, memory, disk: new Disk(4), program: quietProgram, cpuBound: false, idleDemandCores: 0, trapNs: 0, name });
}

export function newHost(name = 'h0'): Host {
  return new Host(name, { sharedCpu: true });
}

/** Round numbers, so expected times can be written down. */
export const TEST_COSTS: ShadowCosts = {
  pauseNs: 1_000,
  unpauseNs: 2_000,
  suspendResumeNs: 100,
  pageCopyNsPerPage: 10,
  applyNsPerPage: 100,
  digestNsPerKiB: 50,
  vmSaveNs: 5_000,
  vmCreateNs: 7_000,
  vmDestroyNs: 300,
};

/** Writes `data` (a byte pattern from `seed`) to `page` of a content-backed memory. */
export function fillPage(mem: PageMemory, page: number, seed: number): void {
  const pb = mem.pageBytes;
  const data = new Uint8Array(pb);
  let x = (seed * 2654435761 + page * 40503 + 1) >>> 0;
  for (let i = 0; i < pb; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    data[i] = x & 0xff;
  }
  mem.writeBytes(page * pb, data);
}
