import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * The function a worker runs for each point: a module and the name of its export, with the
 * signature of `runScenario(req: RunRequest): RunResult`. Workers are separate threads, so a
 * runner is named by where it lives, never passed as a function.
 */
export interface RunnerRef {
  /** An absolute path, a path relative to the working directory, or a file URL — compiled JS. */
  readonly module: string | URL;
  /** Default `runScenario`. */
  readonly export?: string;
}

const here = fileURLToPath(import.meta.url);
/** Run from source (vitest, tsx): the compiled twins live under dist/. */
const fromSource = here.endsWith('.ts');

/** A sibling module of this folder in its compiled form. */
export function compiledUrl(relativeToSweepDir: string): URL {
  return fromSource
    ? new URL(`../../dist/lib/sweep/${relativeToSweepDir}`, import.meta.url)
    : new URL(`./${relativeToSweepDir}`, import.meta.url);
}

/** The default runner: the compiled `lib/scenario/run.js` → `runScenario`. */
export const DEFAULT_RUNNER: RunnerRef = { module: compiledUrl('../scenario/run.js'), export: 'runScenario' };

export interface ResolvedRunner {
  readonly href: string;
  readonly exportName: string;
}

export function resolveRunner(ref: RunnerRef = DEFAULT_RUNNER): ResolvedRunner {
  const m = ref.module;
  let url: URL;
  if (m instanceof URL) url = m;
  else if (/^file:/.test(m)) url = new URL(m);
  else url = pathToFileURL(isAbsolute(m) ? m : resolve(m));
  const path = fileURLToPath(url);
  if (!existsSync(path))
    throw new Error(
      `sweep runner ${path} does not exist` + (ref === DEFAULT_RUNNER ? ' — run `npm run build` first (workers load compiled JS)' : ''),
    );
  return { href: url.href, exportName: ref.export ?? 'runScenario' };
}
