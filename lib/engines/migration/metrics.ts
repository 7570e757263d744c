import type { SeriesRecord } from '../../metrics/records.js';
import type { StopReason } from './policy.js';

/**
 * What a migration run reports of its own (docs/design.md#metrics). A migration that did not finish
 * has no total time, last round or downtime (a run that ended in the stop phase has the downtime so far).
 */
export type MigrationMetrics = {
  migrationCompleted: boolean;
  migrationAborted: boolean;
  rounds: number;
  sentMiB: number;
  sentFactor: number;
  throughputBeforeMbps: number;
  /** When the stream shares the client-facing NIC (`migration.sharedNic`): the host links' payload and the stream's. */
  networkMiB?: number;
  throughputDuringMbps?: number;
  totalTimeS?: number;
  downtimeMs?: number;
  lastRoundKiB?: number;
};

/** What every row of the `rounds` series holds: one pre-copy round (of memory or the disk) or the stop-and-copy. */
type RoundBase = {
  resource: 'memory' | 'disk';
  round: number;
  /** The stop-and-copy. */
  final: boolean;
  startS: number;
  pages: number;
  skippedPages: number;
  bytes: number;
  sentMiB: number;
  durationMs: number;
  rateMbps: number;
  /** Pages dirtied during the round: what the next one must send. */
  dirtyPages: number;
  dirtyRateMbps: number;
  throttlePct: number;
};

/**
 * What a round adds to the base by its kind: nothing (a disk round); the rate cap it ran under (a
 * memory round: null without one); what a measuring policy (QEMU's) measured; the stop-and-copy's
 * disk blocks and why the pre-copy stopped.
 */
export type RoundExtra =
  | Record<never, never>
  | { rateLimitMbps: number | null }
  | { rateLimitMbps: null; measuredMbps: number; newDirtyPages: number }
  | { rateLimitMbps: number | null; diskBlocks: number; stopReason: StopReason | null };

/** A row of the `rounds` series as the migration writes it: the base and its kind's extra. */
export type RoundRow = RoundBase & RoundExtra;

/** A row of the `rounds` series as a reader sees it: the base, and each extra where its kind has it. */
export type RoundRecord = RoundBase & {
  rateLimitMbps?: number | null;
  measuredMbps?: number;
  newDirtyPages?: number;
  diskBlocks?: number;
  stopReason?: StopReason | null;
};

/** The migration's series and the rows of each: `migration` only when it was aborted. */
export type MigrationSeries = { rounds: RoundRecord; migration: SeriesRecord };
