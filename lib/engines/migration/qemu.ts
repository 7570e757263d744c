/**
 * QEMU 7.2's precopy mechanisms (migration/migration.c, migration/ram.c, migration/qemu-file.c of
 * the v7.2.0 release — Debian 12's QEMU): the bandwidth meter behind the switch-over threshold and
 * auto-converge's throttle schedule. docs/migration.md cites the lines each one follows.
 */

import { AUTO_CONVERGE_INCREMENT, AUTO_CONVERGE_INITIAL, AUTO_CONVERGE_MAX, AUTO_CONVERGE_TRIGGER } from './costs.js';

/** migration.c:69 `BUFFER_DELAY`: bandwidth is measured over windows of at least 100 ms. */
export const QEMU_BUFFER_DELAY_MS = 100;

/** ram.c:1200: auto-converge looks at dirtying only once a period of more than 1000 ms has passed. */
export const QEMU_THROTTLE_PERIOD_MS = 1000;

/** ram.c:1162: a period with too much dirtying must happen twice before the throttle steps. */
export const QEMU_THROTTLE_HIGH_PERIODS = 2;

/** ram.c save_page_header: 8 bytes (the page's offset and flags) before every page. */
export const QEMU_PAGE_HEADER_BYTES = 8;

/** ram.c:1257–1270 save_zero_page_to_file: an all-zero page is its header plus one byte. */
export const QEMU_ZERO_PAGE_BYTES = QEMU_PAGE_HEADER_BYTES + 1;

/**
 * migration_update_counters (migration.c:3702–3741): once at least BUFFER_DELAY has passed since
 * the window began, bandwidth = bytes sent in the window ÷ its length, and the switch-over
 * threshold = bandwidth × downtime-limit; a new window begins. Before the first window closes the
 * threshold is 0 (migration.c:2180).
 */
export class BandwidthMeter {
  thresholdBytes = 0;
  /** The last measured bandwidth, bytes/s (0 before the first window closed). */
  bytesPerS = 0;
  private windowStartNs: number;
  private windowStartBytes: number;

  constructor(
    nowNs: number,
    totalBytes: number,
    private readonly downtimeLimitMs: number,
  ) {
    this.windowStartNs = nowNs;
    this.windowStartBytes = totalBytes;
  }

  /** Called after each send step (migration_rate_limit); true when a window closed. */
  update(nowNs: number, totalBytes: number): boolean {
    if (nowNs < this.windowStartNs + QEMU_BUFFER_DELAY_MS * 1e6) return false;
    const spentMs = (nowNs - this.windowStartNs) / 1e6;
    const perMs = (totalBytes - this.windowStartBytes) / spentMs;
    this.bytesPerS = perMs * 1000;
    this.thresholdBytes = perMs * this.downtimeLimitMs;
    this.windowStartNs = nowNs;
    this.windowStartBytes = totalBytes;
    return true;
  }
}

/** Auto-converge's parameters (migration.c:88–91): trigger 50 %, initial 20 %, +10 %, at most 99 %. */
export interface ThrottleSettings {
  readonly triggerPct: number;
  readonly initialPct: number;
  readonly incrementPct: number;
  readonly maxPct: number;
}

export const QEMU_THROTTLE: ThrottleSettings = {
  triggerPct: Math.round(AUTO_CONVERGE_TRIGGER * 100),
  initialPct: Math.round(AUTO_CONVERGE_INITIAL * 100),
  incrementPct: Math.round(AUTO_CONVERGE_INCREMENT * 100),
  maxPct: Math.round(AUTO_CONVERGE_MAX * 100),
};

/**
 * Auto-converge on QEMU's schedule (ram.c:1142–1211, 685–714). At each dirty-bitmap sync the pages
 * newly found dirty are added to the period; once the period is longer than 1000 ms, it is judged:
 * if the bytes dirtied in it exceed 50 % of the bytes sent in it, a counter goes up, and when the
 * counter reaches 2 the throttle steps (20 % first, then +10 %, at most 99 %) and the counter
 * restarts. The counter is not reset by a calm period. Then a new period begins.
 */
export class AutoConvergeSchedule {
  private periodStartNs: number;
  private bytesAtPeriodStart: number;
  private dirtyPages = 0;
  private high = 0;

  constructor(
    nowNs: number,
    totalBytes: number,
    private readonly throttle: ThrottleSettings = QEMU_THROTTLE,
  ) {
    this.periodStartNs = nowNs;
    this.bytesAtPeriodStart = totalBytes;
  }

  /**
   * A bitmap sync found `newDirtyPages` pages newly dirty. Returns the new throttle percentage when
   * it steps, else null. `currentPct` is the throttle now (0: not throttling).
   */
  onSync(nowNs: number, newDirtyPages: number, pageBytes: number, totalBytes: number, currentPct: number): number | null {
    this.dirtyPages += newDirtyPages;
    if (!(nowNs > this.periodStartNs + QEMU_THROTTLE_PERIOD_MS * 1e6)) return null;
    const xfer = totalBytes - this.bytesAtPeriodStart;
    const dirtied = this.dirtyPages * pageBytes;
    let next: number | null = null;
    if (dirtied > (xfer * this.throttle.triggerPct) / 100 && ++this.high >= QEMU_THROTTLE_HIGH_PERIODS) {
      this.high = 0;
      next = currentPct === 0 ? this.throttle.initialPct : Math.min(currentPct + this.throttle.incrementPct, this.throttle.maxPct);
    }
    this.periodStartNs = nowNs;
    this.bytesAtPeriodStart = totalBytes;
    this.dirtyPages = 0;
    return next;
  }
}

/**
 * The pages still to send after a bitmap sync: the unsent rest of the current set united with the
 * pages newly dirty (both ascending), rotated to continue from the scan position `fromPage` as
 * QEMU's page search does (it resumes where it stopped and wraps at the end of RAM). Returns the
 * set and how many of the dirty pages were new to it. O(rest + dirty).
 */
export function mergeAtSync(restInScanOrder: Int32Array, dirty: Int32Array, fromPage: number): { pages: Int32Array; added: number } {
  const rest = ascending(restInScanOrder);
  const out = new Int32Array(rest.length + dirty.length);
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < rest.length || j < dirty.length) {
    const a = i < rest.length ? rest[i]! : Number.POSITIVE_INFINITY;
    const b = j < dirty.length ? dirty[j]! : Number.POSITIVE_INFINITY;
    if (a < b) out[n++] = rest[i++]!;
    else if (b < a) out[n++] = dirty[j++]!;
    else {
      out[n++] = a;
      i++;
      j++;
    }
  }
  const merged = out.subarray(0, n);
  const added = n - rest.length;
  // Rotate: the first page at or after the scan position comes first.
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (merged[mid]! < fromPage) lo = mid + 1;
    else hi = mid;
  }
  if (lo === 0 || lo === n) return { pages: merged.slice(), added };
  const rotated = new Int32Array(n);
  rotated.set(merged.subarray(lo), 0);
  rotated.set(merged.subarray(0, lo), n - lo);
  return { pages: rotated, added };
}

/** A rotation of an ascending list, put back in ascending order (O(n); the list itself if it is). */
function ascending(list: Int32Array): Int32Array {
  for (let k = 1; k < list.length; k++) {
    if (list[k]! < list[k - 1]!) {
      const out = new Int32Array(list.length);
      out.set(list.subarray(k), 0);
      out.set(list.subarray(0, k), list.length - k);
      return out;
    }
  }
  return list;
}
