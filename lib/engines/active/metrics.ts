import type { SeriesRecord } from '../../metrics/records.js';
import type { ReplicatedMetrics } from '../resources.js';

/** What an `active` run reports of its own. */
export type ActiveMetrics = ReplicatedMetrics & {
  /** Fewer than f + 1 replicas executing at the end. */
  serviceLost: boolean;
  suspicions: number;
};

/** The `active` engine's series. */
export type ActiveSeries = { replicas: SeriesRecord };
