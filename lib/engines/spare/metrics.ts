import type { SeriesRecord } from '../../metrics/records.js';
import type { ReplicatedMetrics } from '../resources.js';

/** What a SPARE run reports of its own (docs/spare.md). */
export type SpareMetrics = ReplicatedMetrics & {
  /** Fewer than f + 1 replicas executing at the end. */
  serviceLost: boolean;
  suspicions: number;
  activations: number;
  /** Mean time from suspicion to every activated shadow's answer (only when an activation finished). */
  activationMs?: number;
  /** Only when a fault was injected. */
  faultLatencyMs?: number;
  replacements: number;
  recoveries: number;
  updates: number;
  updatesAccepted: number;
  updatePointsSkipped: number;
  shadowsChecked: number;
  shadowComparisons: number;
  updatePagesMean: number;
  /** Against the `active` twin (unless `run.twin` is false). */
  resourceSavingsPct?: number;
  memorySavingsPct?: number;
};

/** SPARE's series. */
export type SpareSeries = { replicas: SeriesRecord; activations: SeriesRecord; updates: SeriesRecord; recoveries: SeriesRecord };
