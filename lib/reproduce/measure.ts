import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { saveFigure } from '../analysis/index.js';
import { hostCosts } from '../engines/host-profiles.js';
import { isInputError, type ParamValue } from '../params/index.js';
import { resolveRunParams, runScenario } from '../scenario/index.js';
import type { RunResult } from '../scenario/result.js';
import {
  expandSpec,
  pointRequest,
  readManifest,
  RUNS_FILE,
  specHash,
  sweep,
  SweepAbortedError,
  validateSpec,
  type SweepProgress,
  type SweepRow,
  type SweepSpec,
} from '../sweep/index.js';
import { MODEL_VERSION } from '../version.js';
import { unavailableReason } from './availability.js';
import { evaluateCheck, failedPoints, metricGroups, okRows } from './evaluate.js';
import { effectivePlan, figurePath, storePath, sweepSpecFor } from './plan.js';
import { runnerFor } from './runners.js';
import type { ExperimentOutcome, FixedCost, MeasuredExperiment } from './types.js';

export interface MeasureOptions {
  /** The output folder; the store and the figure go below it. */
  readonly out: string;
  readonly quick: boolean;
  readonly workers?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: SweepProgress) => void;
  /** Render figures (default true). */
  readonly figures?: boolean;
  /** Discard the experiment's store first and run every point again. */
  readonly fresh?: boolean;
}

/**
 * A store left by another spec or model version cannot be resumed (its point ids differ): it is
 * derived data, so it is replaced — and the report says so.
 */
function clearStaleStore(dir: string, spec: SweepSpec): string | undefined {
  if (!existsSync(dir)) return undefined;
  let why: string | undefined;
  try {
    const m = readManifest(dir);
    if (m === undefined) return undefined;
    if (m.modelVersion !== MODEL_VERSION) why = `written by model version ${m.modelVersion}`;
    else if (m.specHash !== specHash(spec)) why = 'written for a different definition of this experiment';
  } catch {
    why = 'its manifest was unreadable';
  }
  if (why === undefined) return undefined;
  rmSync(dir, { recursive: true, force: true });
  return `the earlier store was replaced (${why})`;
}

/**
 * Failed points are findings of the run that produced them, not results to keep: rerunning the
 * reproduction retries them (a fixed bug, a build replaced mid-run). Ok rows are kept, so the
 * sweep resumes only what is missing.
 */
function dropFailedRows(dir: string): number {
  const path = join(dir, RUNS_FILE);
  if (!existsSync(path)) return 0;
  const lines = readFileSync(path, 'utf8').split('\n');
  const keep: string[] = [];
  let dropped = 0;
  for (const line of lines) {
    if (line.trim() === '') continue;
    try {
      if ((JSON.parse(line) as { status?: unknown }).status === 'ok') keep.push(line);
      else dropped++;
    } catch {
      dropped++; // a torn last line: the sweep would rerun that point anyway
    }
  }
  if (dropped === 0) return 0;
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, keep.map((l) => `${l}\n`).join(''));
  renameSync(tmp, path);
  return dropped;
}

/** One in-process run of the detail point (replicate 0), for the series a figure needs. */
function detailRun(exp: MeasuredExperiment, spec: SweepSpec, rows: readonly SweepRow[]): { run?: RunResult; note?: string } {
  if (exp.detail === undefined) return {};
  const where = exp.detail.where ?? {};
  const point = expandSpec(spec).find((p) => p.replicate === 0 && Object.entries(where).every(([k, v]) => p.params[k] === v));
  if (point === undefined) return { note: 'the figure’s detail point is not part of this run' };
  if (rows.find((r) => r.id === point.id)?.status !== 'ok') return { note: 'the figure’s detail point did not finish' };
  try {
    return { run: runScenario(pointRequest(spec, point)) };
  } catch (e) {
    return { note: `the figure’s detail run failed: ${e instanceof Error ? e.message : String(e)}` };
  }
}

/**
 * The experiment's fixed cost with the values its sweep's parameters resolve to (grid keys at their
 * defaults: a fixed cost that a grid key moves would not be fixed). Undefined when it has none.
 */
export function fixedCostOf(exp: MeasuredExperiment, params: Readonly<Record<string, ParamValue>>): FixedCost | undefined {
  // A comparison (the engine a grid dimension) has no one engine's fixed cost.
  if (exp.fixedCost === undefined || exp.sweep.engine === undefined) return undefined;
  const costs = hostCosts(resolveRunParams(exp.sweep.engine, exp.sweep.workload, params), exp.fixedCost.profile);
  const parts = exp.fixedCost.parts.map((p) => ({ key: `host.${p.cost}`, what: p.what, ms: costs[p.cost] / 1e6 }));
  return { spec: exp.fixedCost, parts, totalMs: parts.reduce((a, p) => a + p.ms, 0) };
}

/** Run one experiment's sweep (resuming its store), then summarize, judge and draw it. */
export async function measure(exp: MeasuredExperiment, opts: MeasureOptions): Promise<ExperimentOutcome> {
  let spec: SweepSpec;
  try {
    spec = validateSpec(sweepSpecFor(exp, opts.quick));
  } catch (e) {
    // An engine the contract does not list yet (spare, active) fails the schema: not run, with why.
    if (isInputError(e)) return { kind: 'not-run', reason: `its sweep is not valid in this build: ${e.message.replace(/\s*\n\s*/g, ' ')}` };
    throw e;
  }
  const reason = unavailableReason(spec);
  if (reason !== undefined) return { kind: 'not-run', reason };
  const store = storePath(exp.id, opts.quick);
  const dir = join(opts.out, store);
  const notes: string[] = [];
  // The model can change without a version bump while engines are developed: --fresh reruns all.
  if (opts.fresh === true) rmSync(dir, { recursive: true, force: true });
  const stale = clearStaleStore(dir, spec);
  if (stale !== undefined) notes.push(stale);
  dropFailedRows(dir);
  let rows: SweepRow[];
  try {
    rows = await sweep(spec, {
      out: dir,
      runner: runnerFor(exp.runner),
      ...(opts.workers === undefined ? {} : { workers: opts.workers }),
      ...(opts.signal === undefined ? {} : { signal: opts.signal }),
      ...(opts.onProgress === undefined ? {} : { onProgress: opts.onProgress }),
    });
  } catch (e) {
    if (e instanceof SweepAbortedError) throw e;
    return { kind: 'not-run', reason: `the sweep failed: ${e instanceof Error ? e.message : String(e)}` };
  }
  const plan = effectivePlan(exp, opts.quick);
  const ok = okRows(exp, rows);
  const checks = (exp.checks ?? []).map((c) => evaluateCheck(c, ok, plan));
  const fixedCost = fixedCostOf(exp, plan.params);
  const base = {
    kind: 'ran' as const,
    points: rows.length,
    ok: ok.length,
    failed: failedPoints(exp, rows),
    fixed: plan.params,
    gridKeys: Object.keys(plan.grid).sort(),
    groups: metricGroups(exp, ok, plan.grid),
    checks,
    store,
    ...(fixedCost === undefined ? {} : { fixedCost }),
  };
  if (exp.figure === undefined || opts.figures === false) return { ...base, notes };
  if (ok.length === 0) return { ...base, notes, figureError: 'no run finished, so there is nothing to plot' };
  const detail = detailRun(exp, spec, rows);
  if (detail.note !== undefined) return { ...base, notes, figureError: detail.note };
  try {
    const figSpec = exp.figure({ rows: ok, quick: opts.quick, ...(detail.run === undefined ? {} : { detail: detail.run }) });
    await saveFigure(figSpec, join(opts.out, figurePath(exp.id)));
    return { ...base, notes, figure: figurePath(exp.id) };
  } catch (e) {
    return { ...base, notes, figureError: `rendering failed: ${e instanceof Error ? e.message : String(e)}` };
  }
}
