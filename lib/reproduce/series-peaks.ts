/**
 * A sweep runner (loaded by the worker threads, compiled): `runScenario` plus per-program peaks of
 * the writable working set, because store rows do not keep series. Clark's fig. 2 (C8) reads the
 * peak of each program: the largest `series.dirty` window that lies inside the program's span in
 * `series.programs` (spec-cint gives each program's startS/endS).
 */
import { runScenario } from '../scenario/run.js';
import type { RunRequest, RunResult, SeriesRecord } from '../scenario/result.js';

// The sweep's preflight looks for this export in the runner module: same requests, same checks.
export { validateRequest } from '../scenario/run.js';

/** The metric prefix: `wwsPeakPages.<program>`. */
export const WWS_PEAK = 'wwsPeakPages';

function num(r: SeriesRecord, k: string): number | undefined {
  const v = r[k];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/**
 * Peak distinct pages per window among the windows inside each program (a window ends at `timeS`
 * and lasts `windowS`). Programs that never started (no times) get no value.
 */
export function programPeaks(dirty: readonly SeriesRecord[], programs: readonly SeriesRecord[], windowS: number): Record<string, number> {
  const out: Record<string, number> = {};
  const eps = 1e-9;
  for (const p of programs) {
    const name = p.program;
    const start = num(p, 'startS');
    const end = num(p, 'endS');
    if (typeof name !== 'string' || start === undefined || end === undefined) continue;
    let peak = 0;
    for (const d of dirty) {
      const t = num(d, 'timeS');
      const pages = num(d, 'dirtyPages');
      if (t === undefined || pages === undefined) continue;
      if (t - windowS >= start - eps && t <= end + eps) peak = Math.max(peak, pages);
    }
    out[`${WWS_PEAK}.${name}`] = peak;
  }
  return out;
}

export function runWithSeriesPeaks(req: RunRequest): RunResult {
  const r = runScenario(req);
  const sampleMs = typeof r.params['run.sampleMs'] === 'number' ? (r.params['run.sampleMs'] as number) : 1000;
  const peaks = programPeaks(r.series.dirty ?? [], r.series.programs ?? [], sampleMs / 1000);
  return { ...r, metrics: { ...r.metrics, ...peaks } };
}
