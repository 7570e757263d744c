/**
 * Analysis: sweep results → rows, summaries and DataFrames; Vega-Lite figures; SVG/PNG rendering;
 * notebook display. Nothing heavy at import time: danfojs, vega and resvg load on first use.
 */
export { type Cell, type Row } from './rows.js';
export { rowsToDataFrame, type DataFrame } from './dataframe.js';
export { runsPath, parseRuns, readRuns, loadRuns } from './runs.js';
export { summarizeBy, type SummaryRow } from './summarize-by.js';
export {
  field, VEGA_LITE_SCHEMA, type FigureOptions, type ScaleType, type TopLevelSpec,
  roundsChart, type RoundsChartOptions,
  ciLineChart, type CiLineChartOptions,
  cdfChart, type CdfChartOptions,
  timelineChart, type TimelineChartOptions,
  xyChart, type XyChartOptions,
} from './figures/index.js';
export { render, renderSvg, svgToPng, saveFigure, type FigureFormat, type RenderOptions } from './render.js';
export { show, showTable, tableHtml } from './show.js';
