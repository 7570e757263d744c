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

/** The migration's series: `migration` only when it was aborted. */
export type MigrationSeriesName = 'rounds' | 'migration';
