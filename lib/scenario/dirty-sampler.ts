import type { Simulation } from '../sim/index.js';
import { DirtyLog, type VM } from '../vm/index.js';
import type { SeriesRecord } from '../metrics/records.js';

/**
 * Measures the guest's dirtying as Clark et al. did for the writable working set (§3.2, fig. 2):
 * every window, the number of distinct pages written in it. Uses the memory's observer log, which
 * never traps, so measuring does not slow the guest.
 */
export class DirtySampler {
  readonly records: SeriesRecord[] = [];
  private log: DirtyLog | null = null;
  private peak = 0;

  constructor(
    private readonly sim: Simulation,
    private readonly vm: VM,
    private readonly windowNs: number,
  ) {}

  start(): void {
    this.attach();
    this.sim.schedule(this.windowNs, () => this.tick());
  }

  /** The largest window's distinct dirty pages so far. */
  get peakPages(): number {
    return this.peak;
  }

  /** Mean distinct pages dirtied per second over the windows so far (0 before the first). */
  get meanPagesPerS(): number {
    if (this.records.length === 0) return 0;
    let sum = 0;
    for (const r of this.records) sum += r.dirtyPagesPerS as number;
    return sum / this.records.length;
  }

  private attach(): void {
    const mem = this.vm.memory;
    if (mem.observer === null) mem.observer = new DirtyLog(mem.pages);
    this.log = mem.observer;
  }

  private tick(): void {
    this.vm.vcpu.sync();
    const pages = this.log!.count;
    this.log!.clear();
    // After a migration or failover the VM runs on another memory image: observe that one.
    if (this.vm.memory.observer !== this.log) this.attach();
    this.peak = Math.max(this.peak, pages);
    const windowS = this.windowNs / 1e9;
    const pageKiB = this.vm.memory.pageBytes / 1024;
    this.records.push({
      timeS: this.sim.now / 1e9,
      dirtyPages: pages,
      dirtyPagesPerS: pages / windowS,
      dirtyMiBPerS: (pages * pageKiB) / 1024 / windowS,
    });
    this.sim.schedule(this.windowNs, () => this.tick());
  }
}
