export { field, VEGA_LITE_SCHEMA, type FigureOptions, type ScaleType, type TopLevelSpec } from './common.js';
export { roundsChart, type RoundsChartOptions } from './rounds.js';
export { ciLineChart, type CiLineChartOptions } from './ci-line.js';
export { cdfChart, type CdfChartOptions } from './cdf.js';
export { timelineChart, type TimelineChartOptions } from './timeline.js';
export { xyChart, type XyChartOptions } from './xy.js';
