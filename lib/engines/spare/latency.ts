import { quantileSorted } from '../../metrics/index.js';

/**
 * Request latencies as the replica managers see them: from a request's first arrival at the
 * service's entry host to the verified reply leaving its contact RM. Typed arrays grown by doubling:
 * no object per request besides the look-up key.
 */
export class RequestLatencies {
  private arrive = new Float64Array(1024);
  private answer = new Float64Array(1024);
  private count = 0;
  private readonly index = new Map<number, number>();

  /** Request `n` of `session` reached the service at `atNs` (a retry keeps the first arrival). */
  arrived(session: number, n: number, atNs: number): void {
    const key = session * 2 ** 32 + n;
    if (this.index.has(key)) return;
    if (this.count === this.arrive.length) {
      const a = new Float64Array(this.count * 2);
      a.set(this.arrive);
      this.arrive = a;
      const b = new Float64Array(this.count * 2);
      b.set(this.answer);
      this.answer = b;
    }
    this.arrive[this.count] = atNs;
    this.answer[this.count] = -1;
    this.index.set(key, this.count++);
  }

  /** Its verified reply left at `atNs` (the first answer counts). */
  answered(session: number, n: number, atNs: number): void {
    const i = this.index.get(session * 2 ** 32 + n);
    if (i !== undefined && this.answer[i]! < 0) this.answer[i] = atNs;
  }

  /**
   * The largest latency of a request outstanding at some moment of a window [from, to] (unanswered
   * ones count until `endNs`), minus the median latency of requests that overlap no window; null
   * without windows or without such requests.
   */
  faultLatencyMs(windows: ReadonlyArray<readonly [number, number]>, endNs: number): number | null {
    if (windows.length === 0) return null;
    let worst = -Infinity;
    const clean: number[] = [];
    for (let i = 0; i < this.count; i++) {
      const a = this.arrive[i]!;
      const b = this.answer[i]! < 0 ? endNs : this.answer[i]!;
      let hit = false;
      for (const [from, to] of windows)
        if (a <= to && b >= from) {
          hit = true;
          break;
        }
      if (hit) worst = Math.max(worst, b - a);
      else if (this.answer[i]! >= 0) clean.push(b - a);
    }
    if (worst === -Infinity || clean.length === 0) return null;
    clean.sort((x, y) => x - y);
    return (worst - quantileSorted(clean, 0.5)) / 1e6;
  }
}
