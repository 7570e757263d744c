import type { SeriesRecord } from '../../scenario/result.js';
import type { Packet } from '../../vm/index.js';

/** At most this many `output` rows are kept (the first ones): a series, not a packet trace. */
export const OUTPUT_SERIES_MAX = 50_000;

/**
 * `clientOutageMs` from what the service lets out: for each client, the gaps between successive
 * packets released to it. A closed-loop client's normal gap is think time plus latency; the gap
 * that spans a crash, beyond that client's mean gap, is how long it waited for the service beyond
 * normal — detection + restore + the TCP retransmission that follows. (A client-side measure from
 * lib/net's request log would be exact; this one needs no access to the clients.)
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

  /**
   * The longest time a client went without the service across the instant `atNs` (a crash),
   * beyond its normal gap (its mean gap otherwise): detection, restore and the TCP
   * retransmission back-off after it. Clients that got nothing after the crash are not counted.
   */
  outageAcrossMs(atNs: number): number {
    const atS = atNs / 1e9;
    const before = new Map<number, number>();
    const after = new Map<number, number>();
    for (const r of this.rows) {
      const c = r.client as number;
      const t = r.timeS as number;
      if (t < atS) before.set(c, t);
      else if (!after.has(c)) after.set(c, t);
    }
    let worst = 0;
    for (const [c, t1] of after) {
      const t0 = before.get(c);
      if (t0 === undefined) continue;
      const span = (t1 - t0) * 1e9;
      const n = this.count.get(c) ?? 0;
      const normal = n > 1 ? (this.sum.get(c)! - span) / (n - 1) : 0;
      worst = Math.max(worst, span - normal);
    }
    return worst / 1e6;
  }
}
