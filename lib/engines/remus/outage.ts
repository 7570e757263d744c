import type { SeriesRecord } from '../../scenario/result.js';
import type { Packet } from '../../vm/index.js';

/** At most this many `output` rows are kept (the first ones): a series, not a packet trace. */
export const OUTPUT_SERIES_MAX = 50_000;

/**
 * `clientOutageMs` from what the service lets out: for each client, the gaps between successive
 * packets released to it. A closed-loop client's normal gap is think time plus latency; the
 * longest gap beyond that client's mean gap is the longest it waited for the service beyond
 * normal — a failover shows up as detection + restore + the TCP retransmission that follows.
 */
export class ClientGapMeter {
  private readonly last = new Map<number, number>();
  private readonly sum = new Map<number, number>();
  private readonly count = new Map<number, number>();
  private readonly max = new Map<number, number>();
  /** One row per released packet: when, to whom, from which epoch, after what gap. */
  readonly rows: SeriesRecord[] = [];

  observe(p: Packet, nowNs: number): void {
    const prev = this.last.get(p.client);
    this.last.set(p.client, nowNs);
    if (this.rows.length < OUTPUT_SERIES_MAX)
      this.rows.push({ timeS: nowNs / 1e9, client: p.client, epoch: p.epoch, gapMs: prev === undefined ? null : (nowNs - prev) / 1e6, lost: false });
    if (prev === undefined) return;
    const gap = nowNs - prev;
    this.sum.set(p.client, (this.sum.get(p.client) ?? 0) + gap);
    this.count.set(p.client, (this.count.get(p.client) ?? 0) + 1);
    if (gap > (this.max.get(p.client) ?? 0)) this.max.set(p.client, gap);
  }

  /** Whether any client received two packets (so gaps exist). */
  get measured(): boolean {
    return this.count.size > 0;
  }

  /** The longest gap beyond a client's mean gap, over all clients (ms). */
  outageMs(): number {
    let worst = 0;
    for (const [c, n] of this.count) {
      const mean = this.sum.get(c)! / n;
      worst = Math.max(worst, this.max.get(c)! - mean);
    }
    return worst / 1e6;
  }
}
