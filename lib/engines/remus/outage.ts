import type { Packet } from '../../vm/index.js';

/** At most this many `output` rows are kept (the first ones): a series, not a packet trace. */
export const OUTPUT_SERIES_MAX = 50_000;

/** A row of the `output` series: one packet released to a client. */
export type OutputRow = {
  timeS: number;
  client: number;
  /** The epoch whose execution produced it. */
  epoch: number;
  /** Since the client's previous packet (null: its first). */
  gapMs: number | null;
  /** Taken back by a failover: its epoch was never committed. */
  lost: boolean;
};

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
  /** Per client, its last packet before the crash and its first one after (independent of `rows`). */
  private crashNs = -1;
  private beforeCrash: Map<number, number> | null = null;
  private readonly afterCrash = new Map<number, number>();
  /** One row per released packet (the first OUTPUT_SERIES_MAX): when, to whom, from which epoch, after what gap. */
  readonly rows: OutputRow[] = [];

  observe(p: Packet, nowNs: number): void {
    const prev = this.last.get(p.client);
    this.last.set(p.client, nowNs);
    if (this.beforeCrash !== null && !this.afterCrash.has(p.client)) this.afterCrash.set(p.client, nowNs);
    if (this.rows.length < OUTPUT_SERIES_MAX)
      this.rows.push({ timeS: nowNs / 1e9, client: p.client, epoch: p.epoch, gapMs: prev === undefined ? null : (nowNs - prev) / 1e6, lost: false });
    if (prev === undefined) return;
    const gap = nowNs - prev;
    this.sum.set(p.client, (this.sum.get(p.client) ?? 0) + gap);
    this.count.set(p.client, (this.count.get(p.client) ?? 0) + 1);
  }

  /** The primary crashed now: remember every client's last packet before it. */
  markCrash(nowNs: number): void {
    if (this.beforeCrash !== null) return;
    this.crashNs = nowNs;
    this.beforeCrash = new Map(this.last);
  }

  /** Whether any client received two packets (so gaps exist). */
  get measured(): boolean {
    return this.count.size > 0;
  }

  /**
   * The longest time a client went without the service across the crash, beyond its normal gap
   * (its mean gap otherwise): detection, restore and the TCP retransmission back-off after it. A
   * client that got nothing after the crash counts up to `endNs`. `undefined` when no client had
   * received anything before the crash (nothing to measure against).
   */
  outageMs(endNs: number): number | undefined {
    const before = this.beforeCrash;
    if (before === null || before.size === 0) return undefined;
    let worst = 0;
    for (const [c, t0] of before) {
      const t1 = this.afterCrash.get(c) ?? endNs;
      const span = t1 - t0;
      const n = this.count.get(c) ?? 0;
      const recovered = this.afterCrash.has(c);
      // The mean of the client's other gaps: the span itself is one of its gaps once it recovered.
      const others = recovered ? n - 1 : n;
      const normal = others > 0 ? ((this.sum.get(c) ?? 0) - (recovered ? span : 0)) / others : 0;
      worst = Math.max(worst, span - normal);
    }
    return worst / 1e6;
  }

  /** When the crash was marked (−1: never). */
  get crashAtNs(): number {
    return this.crashNs;
  }
}
