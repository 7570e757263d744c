import type { SeriesRecord } from '../../metrics/records.js';
import type { OutputRow } from './outage.js';

/**
 * What a Remus run reports of its own (docs/design.md#metrics). Means of things that never happened
 * are left out, as are failover and outage on a run without one.
 */
export type RemusMetrics = {
  achievedCheckpointsPerS: number;
  replicationMbps: number;
  lostOutputs: number;
  compressionRatio: number;
  /** False once a primary lost its backup (or failed over). */
  protected: boolean;
  dom0CpuSeconds: number;
  epochMsMean?: number;
  pauseMsMean?: number;
  suspendMsMean?: number;
  transmitMsMean?: number;
  failoverMs?: number;
  clientOutageMs?: number;
};

/** Remus's series and the rows of each: `output` only when a packet was released. */
export type RemusSeries = { epochs: SeriesRecord; remusTimeline: SeriesRecord; primaries: SeriesRecord; output: OutputRow };
