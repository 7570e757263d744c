import type { Nanos } from '../sim/time.js';

/** What the log reads from a finished request (TcpRequest satisfies it). */
export interface FinishedRequest {
  readonly client: number;
  readonly requestId: number;
  readonly sentNs: Nanos;
  readonly firstByteNs: Nanos;
  readonly doneNs: Nanos;
  readonly retransmits: number;
  readonly status: string;
}

/** One row of the log, as a flat record. */
export interface RequestRow {
  readonly client: number;
  readonly requestId: number;
  readonly sentNs: Nanos;
  readonly firstByteNs: Nanos;
  readonly doneNs: Nanos;
  readonly latencyNs: Nanos;
  readonly retransmits: number;
  readonly ok: boolean;
}

/**
 * Finished requests in columns (typed arrays that grow by doubling): a long run with hundreds of
 * thousands of requests keeps ~41 bytes per request instead of an object each. Rows are in order
 * of completion.
 */
export class RequestLog {
  private n = 0;
  private cap = 0;
  private client = new Int32Array(0);
  private requestId = new Float64Array(0);
  private sent = new Float64Array(0);
  private firstByte = new Float64Array(0);
  private done = new Float64Array(0);
  private retx = new Int32Array(0);
  private okCol = new Uint8Array(0);
  private _failed = 0;
  private _retransmits = 0;

  get size(): number {
    return this.n;
  }
  get completed(): number {
    return this.n - this._failed;
  }
  get failed(): number {
    return this._failed;
  }
  /** Retransmissions summed over the logged requests. */
  get retransmits(): number {
    return this._retransmits;
  }

  add(r: FinishedRequest): void {
    if (this.n === this.cap) this.grow();
    const i = this.n++;
    const ok = r.status === 'done';
    this.client[i] = r.client;
    this.requestId[i] = r.requestId;
    this.sent[i] = r.sentNs;
    this.firstByte[i] = r.firstByteNs;
    this.done[i] = r.doneNs;
    this.retx[i] = r.retransmits;
    this.okCol[i] = ok ? 1 : 0;
    if (!ok) this._failed++;
    this._retransmits += r.retransmits;
  }

  row(i: number): RequestRow {
    if (!(i >= 0 && i < this.n)) throw new RangeError(`row ${i} of ${this.n}`);
    return {
      client: this.client[i]!,
      requestId: this.requestId[i]!,
      sentNs: this.sent[i]!,
      firstByteNs: this.firstByte[i]!,
      doneNs: this.done[i]!,
      latencyNs: this.done[i]! - this.sent[i]!,
      retransmits: this.retx[i]!,
      ok: this.okCol[i] === 1,
    };
  }

  ok(i: number): boolean {
    return this.okCol[i] === 1;
  }
  sentNs(i: number): Nanos {
    return this.sent[i]!;
  }
  doneNs(i: number): Nanos {
    return this.done[i]!;
  }
  latencyNs(i: number): Nanos {
    return this.done[i]! - this.sent[i]!;
  }
  retransmitsOf(i: number): number {
    return this.retx[i]!;
  }

  /** Latencies (ms) of the requests answered with their reply complete in [fromNs, toNs). */
  latenciesMs(fromNs: Nanos = -Infinity, toNs: Nanos = Infinity): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.n; i++) {
      const d = this.done[i]!;
      if (this.okCol[i] === 1 && d >= fromNs && d < toNs) out.push((d - this.sent[i]!) / 1e6);
    }
    return out;
  }

  /** Requests answered with their reply complete in [fromNs, toNs). */
  completedBetween(fromNs: Nanos, toNs: Nanos): number {
    let c = 0;
    for (let i = 0; i < this.n; i++) {
      const d = this.done[i]!;
      if (this.okCol[i] === 1 && d >= fromNs && d < toNs) c++;
    }
    return c;
  }

  /** The longest latency among answered requests (0 if none). */
  maxLatencyNs(): Nanos {
    let m = 0;
    for (let i = 0; i < this.n; i++) if (this.okCol[i] === 1) m = Math.max(m, this.done[i]! - this.sent[i]!);
    return m;
  }

  private grow(): void {
    const cap = Math.max(256, this.cap * 2);
    const g = <T extends Int32Array | Float64Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(cap);
      b.set(a);
      return b;
    };
    this.client = g(this.client, (k) => new Int32Array(k));
    this.requestId = g(this.requestId, (k) => new Float64Array(k));
    this.sent = g(this.sent, (k) => new Float64Array(k));
    this.firstByte = g(this.firstByte, (k) => new Float64Array(k));
    this.done = g(this.done, (k) => new Float64Array(k));
    this.retx = g(this.retx, (k) => new Int32Array(k));
    this.okCol = g(this.okCol, (k) => new Uint8Array(k));
    this.cap = cap;
  }
}
