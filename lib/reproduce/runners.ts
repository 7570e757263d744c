import { fileURLToPath } from 'node:url';
import { DEFAULT_RUNNER, type RunnerRef } from '../sweep/index.js';
import type { RunnerKind } from './types.js';

/** Workers load compiled JS: from source (vitest, tsx) the compiled twin lives under dist/. */
const fromSource = fileURLToPath(import.meta.url).endsWith('.ts');

const SERIES_PEAKS: RunnerRef = {
  module: fromSource ? new URL('../../dist/lib/reproduce/series-peaks.js', import.meta.url) : new URL('./series-peaks.js', import.meta.url),
  export: 'runWithSeriesPeaks',
};

/** The sweep runner for an experiment. */
export function runnerFor(kind: RunnerKind | undefined): RunnerRef {
  return kind === 'series-peaks' ? SERIES_PEAKS : DEFAULT_RUNNER;
}
