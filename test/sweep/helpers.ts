import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { registerSweepCommands } from '../../lib/cli/commands/sweep.js';
import { isInputError } from '../../lib/params/index.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const FIXTURE_RUNNER = join(ROOT, 'test/fixtures/sweep/runner.mjs');
export const RUNNER = { module: FIXTURE_RUNNER };

function newestSource(dir: string): number {
  let newest = 0;
  if (!existsSync(dir)) return 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (e.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Workers load compiled JS, so the suites build first. Test files run in parallel: a lock folder
 * makes one of them build and the others wait. tsc rewrites every output, so a worker.js newer
 * than the sources it depends on means the build is current (as after `npm test`'s own build). A type error
 * elsewhere in the tree still emits JS, so only a missing worker is fatal.
 */
export async function ensureBuilt(): Promise<void> {
  const dist = join(ROOT, 'dist');
  mkdirSync(dist, { recursive: true });
  const lock = join(dist, '.sweep-build.lock');
  const worker = join(dist, 'lib/sweep/worker.js');
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 180_000) rmSync(lock, { recursive: true, force: true });
      await sleep(100);
    }
  }
  try {
    // Only what the sweep's compiled code uses (the tests run fixture runners): a change elsewhere
    // in the tree must not rebuild dist/ under a running sweep in another test file.
    const newest = Math.max(
      newestSource(join(ROOT, 'lib/sweep')),
      newestSource(join(ROOT, 'lib/params')),
      statSync(join(ROOT, 'lib/version.ts')).mtimeMs,
      statSync(join(ROOT, 'lib/scenario/result.ts')).mtimeMs,
    );
    if (existsSync(worker) && statSync(worker).mtimeMs > newest) return;
    try {
      execSync('npm run build', { cwd: ROOT, stdio: 'pipe' });
    } catch (e) {
      if (!existsSync(worker)) throw e;
      console.warn(`npm run build reported errors (elsewhere in the tree); using the emitted JS:\n${String((e as { stdout?: Buffer }).stdout ?? '')}`);
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
const temps: string[] = [];

/** Remove the folders tempDir made (each suite calls it in afterAll). */
export function removeTempDirs(): void {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** A fresh folder under the system temp dir; removeTempDirs() deletes it. */
export function tempDir(label: string): string {
  const d = mkdtempSync(join(tmpdir(), `vmft-sweep-${label}-`));
  temps.push(d);
  return d;
}

/** The raw lines of a store's runs.jsonl. */
export function runLines(store: string): string[] {
  const p = join(store, 'runs.jsonl');
  if (!existsSync(p)) return [];
  return readFileSync(p, 'utf8').split('\n').filter((l) => l !== '');
}

/** Lines with the one nondeterministic field blanked, ordered by index: must match byte for byte. */
export function canonicalLines(lines: readonly string[]): string[] {
  return lines
    .map((l) => ({ index: (JSON.parse(l) as { index: number }).index, text: l.replace(/"wallMs":[-0-9.e+]+/, '"wallMs":0') }))
    .sort((a, b) => a.index - b.index)
    .map((x) => x.text);
}

function collect(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (d: Buffer) => (text += d.toString()));
  return { stream, text: () => text };
}

/**
 * `vmft sweep|merge …` in-process, in a program of its own, mapping InputError to exit 2 as bin/vmft
 * does. `during` is called once the commands are registered, before they run.
 */
export async function vmftSweepCli(
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; during?: (err: () => string) => void } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = collect();
  const err = collect();
  let code = 0;
  const program = new Command('vmft').exitOverride();
  registerSweepCommands(program, { runner: RUNNER, env: opts.env ?? {}, stdout: out.stream, stderr: err.stream, tty: false, setExitCode: (c) => (code = c) });
  opts.during?.(err.text);
  try {
    await program.parseAsync(args, { from: 'user' });
  } catch (e) {
    if (!isInputError(e)) throw e;
    err.stream.write(`vmft: ${(e as Error).message}\n`);
    code = 2;
  }
  return { code, stdout: out.text(), stderr: err.text() };
}

/** Writes `spec` as JSON to `dir/name` (creating `dir`) and returns the path. */
export function specFile(dir: string, spec: unknown, name = 'spec.json'): string {
  mkdirSync(dir, { recursive: true });
  const p = join(dir, name);
  writeFileSync(p, JSON.stringify(spec));
  return p;
}
