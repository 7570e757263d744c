import type { Simulation } from '../../sim/index.js';
import type { VM } from '../../vm/index.js';

/**
 * Counts the bytes the guest sends, by time, at its NIC's egress (where the migration leaves the
 * packets untouched): throughput before and during the migration (Clark fig. 8).
 */
export class EgressMeter {
  private times: number[] = [];
  private cumBytes: number[] = [];
  private total = 0;

  constructor(
    private readonly sim: Simulation,
    vm: VM,
  ) {
    vm.nic.setEgressHook((p, release) => {
      this.total += p.bytes;
      this.times.push(this.sim.now);
      this.cumBytes.push(this.total);
      release(p);
    });
  }

  /** Bytes sent in [fromNs, toNs). */
  bytesBetween(fromNs: number, toNs: number): number {
    return this.before(toNs) - this.before(fromNs);
  }

  /** Mean Mbit/s over [fromNs, toNs) (0 for an empty window). */
  mbps(fromNs: number, toNs: number): number {
    const dt = (toNs - fromNs) / 1e9;
    return dt > 0 ? (this.bytesBetween(fromNs, toNs) * 8) / 1e6 / dt : 0;
  }

  /** Cumulative bytes sent strictly before t. */
  private before(t: number): number {
    let lo = 0;
    let hi = this.times.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.times[mid]! < t) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? 0 : this.cumBytes[lo - 1]!;
  }
}
