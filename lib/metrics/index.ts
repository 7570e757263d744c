/** Metrics: quantiles, summaries with confidence intervals (Student t; a seeded bootstrap), Student's t, streaming recorders. */
export { quantile, quantileSorted } from './quantile.js';
export { summarize, type Summary } from './summarize.js';
export { bootstrapMeanInterval, BOOTSTRAP_RESAMPLES } from './bootstrap.js';
export { tQuantile, tCdf, tPdf } from './student-t.js';
export { Recorder } from './recorder.js';
export { ecdf, type EcdfPoint } from './ecdf.js';
export type { SeriesRecord } from './records.js';
