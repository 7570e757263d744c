/**
 * The piscina worker: loads the runner module named in the task (cached per thread), runs one
 * point and reports a plain outcome. Errors are caught here and returned as values so the row
 * carries the runner's message, whatever the error's class.
 */
import { workerData, type MessagePort } from 'node:worker_threads';
import type { RunRequest, RunResult } from '../scenario/result.js';
import type { PointOutcome } from './row.js';

export interface WorkerTask {
  /** File URL of the runner module. */
  readonly module: string;
  /** Export to call: `(req: RunRequest) => RunResult` (or a promise of one). */
  readonly exportName: string;
  readonly request: RunRequest;
  /** Told when the runner is called: the pool's time limit starts then. */
  readonly started?: MessagePort;
}

type RunnerFn = (req: RunRequest) => RunResult | Promise<RunResult>;

const loaded = new Map<string, Promise<RunnerFn>>();

function load(module: string, exportName: string): Promise<RunnerFn> {
  const key = `${module}#${exportName}`;
  let fn = loaded.get(key);
  if (fn === undefined) {
    fn = import(module).then((m: Record<string, unknown>) => {
      const f = m[exportName];
      if (typeof f !== 'function') throw new Error(`runner ${module} has no function export ${JSON.stringify(exportName)}`);
      return f as RunnerFn;
    });
    loaded.set(key, fn);
  }
  return fn;
}

/** What the pool passes each thread: the runner to load as soon as the thread starts. */
export interface WorkerData {
  readonly preload?: { readonly module: string; readonly exportName: string };
}

// Load the runner while the first point is still on its way; a failure surfaces with that point.
const preload = (workerData as WorkerData | null | undefined)?.preload;
if (preload !== undefined) load(preload.module, preload.exportName).catch(() => undefined);

export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.name === 'Error' || e.name === '' ? e.message : `${e.name}: ${e.message}`;
  return String(e);
}

export default async function runTask(task: WorkerTask): Promise<PointOutcome> {
  const start = performance.now();
  try {
    const fn = await load(task.module, task.exportName);
    task.started?.postMessage(0);
    task.started?.close();
    const t0 = performance.now();
    const result = await fn(task.request);
    const wallMs = performance.now() - t0;
    // Series stay in the worker: rows do not hold them, and they can be large.
    return { status: 'ok', wallMs, params: result.params, metrics: result.metrics, invariants: result.invariants };
  } catch (e) {
    task.started?.close();
    return { status: 'error', wallMs: performance.now() - start, error: errorMessage(e) };
  }
}
