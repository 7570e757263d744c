import type { SeriesRecord } from '../../metrics/records.js';
import type { Simulation } from '../../sim/index.js';

/**
 * The `remusTimeline` series: what happened to the pair and when — crashes, detection, failover,
 * partitions. Every part of the engine records its events here, stamped with the simulated time.
 */
export class RemusTimeline {
  readonly rows: SeriesRecord[] = [];

  constructor(private readonly sim: Simulation) {}

  /** An event now: of primary `primary`, or of the pair as a whole (the backup, the link) when omitted. */
  record(event: string, detail: string, primary?: number): void {
    const timeS = this.sim.now / 1e9;
    this.rows.push(primary === undefined ? { timeS, event, detail } : { timeS, primary, event, detail });
  }
}
