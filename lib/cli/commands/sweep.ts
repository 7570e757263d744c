import { onInterrupt } from '../interrupt.js';
import { basename, join } from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../../params/index.js';
import {
  expandSpec,
  formatShard,
  inShard,
  loadSpec,
  mergeStores,
  progressReporter,
  resolveShard,
  RUNS_FILE,
  sweep,
  SweepAbortedError,
  type RunnerRef,
  type Shard,
  type SweepPoint,
  type SweepRow,
  type SweepSpec,
} from '../../sweep/index.js';

/** What the commands touch outside themselves; tests substitute a fixture runner and buffers. */
export interface SweepCommandDeps {
  readonly runner?: RunnerRef;
  readonly env?: NodeJS.ProcessEnv;
  readonly stdout?: NodeJS.WritableStream;
  readonly stderr?: NodeJS.WritableStream;
  /** Progress as a bar (terminal) or plain lines; default: whether stderr is a terminal. */
  readonly tty?: boolean;
  readonly setExitCode?: (code: number) => void;
}

interface SweepFlags {
  readonly out?: string;
  readonly workers?: string;
  readonly shard?: string;
  readonly shards?: string;
  readonly dryRun?: boolean;
  readonly durationsFrom?: string;
}

function parseWorkers(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\s*\d+\s*$/.test(text) || Number(text) < 1) throw new InputError('--workers', `${JSON.stringify(text)} is not a worker count`, 'an integer ≥ 1');
  return Number(text);
}

function table(header: string[], body: string[][]): string {
  // A loop, not Math.max(...rows): a grid of 100,000+ points would overflow the call stack.
  const widths = header.map((h, i) => body.reduce((w, r) => Math.max(w, r[i]!.length), h.length));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(header), ...body.map(line)].join('\n') + '\n';
}

/** `--dry-run`: the expanded grid of this shard and how many points it has. */
export function dryRunText(spec: SweepSpec, points: readonly SweepPoint[], shard: Shard | undefined): string {
  const keys = Object.keys(spec.grid).sort();
  const mine = points.filter((p) => inShard(p.index, shard));
  const fixed = Object.keys(spec.params)
    .sort()
    .map((k) => `${k}=${JSON.stringify(spec.params[k])}`);
  let text = `${spec.name ?? 'sweep'}: ${spec.engine ?? (spec.grid.engine ?? []).join(' / ')} on ${spec.workload}, seed ${spec.seed}` + (spec.timeLimitS === undefined ? '' : `, time limit ${spec.timeLimitS} s`) + '\n';
  if (fixed.length > 0) text += `fixed: ${fixed.join(' ')}\n`;
  text += table(
    ['index', 'id', 'replicate', 'seed', ...keys],
    mine.map((p) => [String(p.index), p.id, String(p.replicate), String(p.seed), ...keys.map((k) => JSON.stringify(p.params[k]))]),
  );
  const combos = points.length / spec.replicates;
  text += `${points.length} point${points.length === 1 ? '' : 's'} (${combos} combination${combos === 1 ? '' : 's'} × ${spec.replicates} replicate${spec.replicates === 1 ? '' : 's'})\n`;
  if (shard !== undefined) text += `shard ${formatShard(shard)}: ${mine.length} of ${points.length} points\n`;
  return text;
}

function summary(label: string, rows: readonly SweepRow[], shard: Shard | undefined, total: number, out: string): string {
  const count = (s: string): number => rows.filter((r) => r.status === s).length;
  const failed = rows.filter((r) => r.status !== 'ok');
  const scope = shard === undefined ? '' : ` (shard ${formatShard(shard)} of ${total})`;
  let text = `${label}: ${rows.length} points${scope}: ${count('ok')} ok, ${count('error')} error, ${count('timeout')} timeout → ${join(out, RUNS_FILE)}\n`;
  for (const r of failed.slice(0, 10)) text += `  #${r.index} ${r.id} ${r.status}: ${r.error ?? ''}\n`;
  if (failed.length > 10) text += `  … and ${failed.length - 10} more\n`;
  return text;
}

/** Adds `vmft sweep` and `vmft merge` (docs/design.md#command-line). Bad input throws InputError (exit 2). */
export function registerSweepCommands(program: Command, deps: SweepCommandDeps = {}): void {
  const stdout = deps.stdout ?? process.stdout;
  const stderr = deps.stderr ?? process.stderr;
  const setExitCode = deps.setExitCode ?? ((c: number) => void (process.exitCode = c));

  program
    .command('sweep')
    .description('run a parameter sweep in parallel into a resumable store (exit 1 if any point failed)')
    .argument('<spec>', 'sweep spec (JSON, see docs/sweeps.md)')
    .option('--out <dir>', 'store folder: runs.jsonl + sweep.json; rerun into it to resume')
    .option('--workers <n>', 'worker threads (default: available cores)')
    .option('--shard <i/n>', 'run only the points whose index mod n is i (0-based)')
    .option('--shards <n>', 'shard count when JOB_COMPLETION_INDEX (Kubernetes Indexed Job) picks the shard')
    .option('--dry-run', 'print the expanded grid and the number of points; run nothing')
    .option('--durations-from <dir>', 'an earlier store whose wall times order points longest first')
    .action(async (specPath: string, flags: SweepFlags) => {
      const spec = loadSpec(specPath);
      const workers = parseWorkers(flags.workers);
      const shard = resolveShard({ shard: flags.shard, shards: flags.shards }, deps.env ?? process.env);
      const points = expandSpec(spec);
      if (flags.dryRun) {
        stdout.write(dryRunText(spec, points, shard));
        setExitCode(0);
        return;
      }
      if (flags.out === undefined) throw new InputError('--out', 'missing', 'a folder for the store (runs.jsonl + sweep.json)');
      const label = spec.name ?? basename(specPath, '.json');
      const progress = progressReporter({ stream: stderr, tty: deps.tty, label });
      const interrupt = onInterrupt();
      try {
        const rows = await sweep(spec, {
          out: flags.out,
          workers,
          shard,
          runner: deps.runner,
          durationsFrom: flags.durationsFrom,
          signal: interrupt.signal,
          onProgress: progress.onProgress,
        });
        progress.stop();
        stderr.write(summary(label, rows, shard, points.length, flags.out));
        setExitCode(rows.some((r) => r.status !== 'ok') ? 1 : 0);
      } catch (e) {
        progress.stop();
        if (!(e instanceof SweepAbortedError)) throw e;
        stderr.write(`${label}: interrupted${interrupt.received === undefined ? '' : ` (${interrupt.received})`}; ${e.rows.length} finished points are kept in ${flags.out} — rerun the same command to resume\n`);
        setExitCode(interrupt.exitCode());
      } finally {
        interrupt.dispose();
      }
    });

  program
    .command('merge')
    .description('union sweep stores of the same spec by point id (e.g. the shards of a job array)')
    .argument('<dirs...>', 'store folders')
    .option('--out <dir>', 'merged store folder (may hold rows of the same sweep already)')
    .action((dirs: string[], flags: { out?: string }) => {
      if (flags.out === undefined) throw new InputError('--out', 'missing', 'a folder for the merged store');
      const r = mergeStores(dirs, flags.out);
      const failed = r.rows.filter((row) => row.status !== 'ok').length;
      let text = `merged ${dirs.length} store${dirs.length === 1 ? '' : 's'} into ${flags.out}: ${r.rows.length} of ${r.manifest.points} points (${failed} failed)\n`;
      if (r.missing > 0) text += `${r.missing} points missing: run the missing shards (into their stores, to resume) and merge again\n`;
      stderr.write(text);
      setExitCode(0);
    });
}
