import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { InputError } from '../params/index.js';
import { ensureWritableDir } from '../sweep/index.js';
import { join } from 'node:path';
import type { SweepProgress } from '../sweep/index.js';
import { MODEL_VERSION, TOOLKIT_VERSION } from '../version.js';
import { resolveConfiguration } from './configuration.js';
import { EXPERIMENTS } from './experiments/index.js';
import { measure } from './measure.js';
import { figurePath } from './plan.js';
import { writeReport } from './report.js';
import type { Experiment, ExperimentOutcome, ReportEntry } from './types.js';

export const REPORT_FILE = 'REPORT.md';
export const DEFAULT_OUT = 'results';
/** Where `--quick` writes unless told otherwise: beside, not over, the committed full report. */
export const DEFAULT_QUICK_OUT = 'results/quick';

export interface ReproduceOptions {
  /** Output folder: REPORT.md, figures/, stores/ (default `results`). */
  readonly out?: string;
  /** Fewer points and replicates, shorter runs. */
  readonly quick?: boolean;
  /** Worker threads per sweep (default: available cores). */
  readonly workers?: number;
  /** Discard the stores of the experiments run and simulate every point again. */
  readonly fresh?: boolean;
  /** Default: every experiment (EXPERIMENTS). */
  readonly experiments?: readonly Experiment[];
  /** Written into the report as how it was produced. Default `vmft reproduce [--quick]`. */
  readonly command?: string;
  /** Written into the report only when given (the report is deterministic otherwise). */
  readonly date?: string;
  readonly signal?: AbortSignal;
  /** Told when an experiment starts and ends (index is 0-based). */
  readonly onExperiment?: (e: ExperimentEvent) => void;
  /** Per-sweep progress, as `sweep`'s onProgress. */
  readonly onProgress?: (exp: Experiment, p: SweepProgress) => void;
}

export type ExperimentEvent =
  | { readonly phase: 'start'; readonly experiment: Experiment; readonly index: number; readonly count: number }
  | { readonly phase: 'end'; readonly experiment: Experiment; readonly index: number; readonly count: number; readonly outcome: ExperimentOutcome; readonly wallMs: number };

export interface ReproduceResult {
  /** Path of REPORT.md. */
  readonly report: string;
  /** Figure files written (SVG and PNG). */
  readonly figures: readonly string[];
  readonly entries: readonly ReportEntry[];
  /** Wall time per experiment (not in the report: it would make it machine-dependent). */
  readonly wallMs: Readonly<Record<string, number>>;
}

/** Whether a REPORT.md was written by a full run (its "Produced by" line has no quick mode). */
function isFullReport(text: string): boolean {
  const line = text.split('\n').find((l) => l.startsWith('- Produced by:'));
  return line !== undefined && !line.includes('quick mode');
}

/** A figure from an earlier run of an experiment that drew none this time would mislead: removed. */
function removeFigure(out: string, id: string): void {
  for (const ext of ['svg', 'png']) {
    const p = join(out, `${figurePath(id)}.${ext}`);
    if (existsSync(p)) rmSync(p);
  }
}

/**
 * Run the paper experiments as sweeps (each into `<out>/stores/<id>`, resumed when rerun), judge
 * the calibration rows, draw one figure per experiment and write `<out>/REPORT.md`. An experiment
 * this build cannot run is reported as not run, with the reason.
 */
export async function reproduce(opts: ReproduceOptions = {}): Promise<ReproduceResult> {
  const quick = opts.quick ?? false;
  const out = opts.out ?? (quick ? DEFAULT_QUICK_OUT : DEFAULT_OUT);
  const experiments = opts.experiments ?? EXPERIMENTS;
  if (experiments.length === 0) throw new InputError('experiments', 'none chosen: the report would be empty', 'one or more experiments');
  ensureWritableDir(out);
  // A quick report never replaces a full one (its numbers are not the reproduction's).
  const existing = join(out, REPORT_FILE);
  if (quick && existsSync(existing) && isFullReport(readFileSync(existing, 'utf8')))
    throw new InputError(out, `holds a full report (${REPORT_FILE}); a quick run would replace it`, 'another folder for the quick report (default results/quick)');
  const entries: ReportEntry[] = [];
  const figures: string[] = [];
  const wallMs: Record<string, number> = {};
  for (const [index, experiment] of experiments.entries()) {
    const count = experiments.length;
    opts.onExperiment?.({ phase: 'start', experiment, index, count });
    const t0 = performance.now();
    const outcome =
      experiment.kind === 'configuration'
        ? resolveConfiguration(experiment)
        : await measure(experiment, {
            out,
            quick,
            fresh: opts.fresh ?? false,
            ...(opts.workers === undefined ? {} : { workers: opts.workers }),
            ...(opts.signal === undefined ? {} : { signal: opts.signal }),
            ...(opts.onProgress === undefined ? {} : { onProgress: (p: SweepProgress) => opts.onProgress!(experiment, p) }),
          });
    wallMs[experiment.id] = performance.now() - t0;
    if (outcome.kind === 'ran' && outcome.figure !== undefined) figures.push(join(out, `${outcome.figure}.svg`), join(out, `${outcome.figure}.png`));
    else removeFigure(out, experiment.id);
    entries.push({ experiment, outcome });
    opts.onExperiment?.({ phase: 'end', experiment, index, count, outcome, wallMs: wallMs[experiment.id]! });
  }
  const report = join(out, REPORT_FILE);
  const text = writeReport({
    modelVersion: MODEL_VERSION,
    toolkitVersion: TOOLKIT_VERSION,
    command: opts.command ?? `vmft reproduce${quick ? ' --quick' : ''}`,
    quick,
    ...(opts.date === undefined ? {} : { date: opts.date }),
    entries,
  });
  writeFileSync(report, text);
  return { report, figures, entries, wallMs };
}
