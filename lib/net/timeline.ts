import type { Nanos } from '../sim/time.js';

/** A flat, JSON-safe event record (the `timeline` series of a run; `timelineChart` reads `timeS` and `event`). */
export type TimelineRecord = Record<string, number | string | boolean | null>;
export type TimelineDetail = Readonly<Record<string, number | string | boolean | null>>;

/** How many records of one kind are kept by default; beyond it they are only counted. */
export const TIMELINE_MAX_PER_KIND = 1000;

/**
 * Client-visible events (retransmit, connection break, gap, …) on a time axis. Frequent kinds are
 * capped: the first `maxPerKind` records of each kind are kept, the rest only counted, so a long
 * outage with thousands of retransmissions costs a counter increment each.
 */
export class Timeline {
  readonly maxPerKind: number;
  private readonly _records: TimelineRecord[] = [];
  private readonly _counts = new Map<string, number>();

  constructor(maxPerKind = TIMELINE_MAX_PER_KIND) {
    if (!(maxPerKind >= 0)) throw new Error(`bad maxPerKind ${maxPerKind}`);
    this.maxPerKind = maxPerKind;
  }

  record(timeNs: Nanos, kind: string, detail?: TimelineDetail): void {
    const n = (this._counts.get(kind) ?? 0) + 1;
    this._counts.set(kind, n);
    if (n > this.maxPerKind) return;
    const r: TimelineRecord = { timeS: timeNs / 1e9, event: kind };
    if (detail !== undefined) for (const k in detail) if (k !== 'timeS' && k !== 'event') r[k] = detail[k]!;
    this._records.push(r);
  }

  /** Kept records, in recording (time) order. */
  get records(): readonly TimelineRecord[] {
    return this._records;
  }

  /** Events of `kind` seen, kept or not. */
  count(kind: string): number {
    return this._counts.get(kind) ?? 0;
  }

  /** Events seen per kind (kept or not). */
  counts(): Record<string, number> {
    return Object.fromEntries(this._counts);
  }
}
