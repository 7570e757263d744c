import { onInterrupt } from '../interrupt.js';
import { join } from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../../params/index.js';
import { DEFAULT_OUT, DEFAULT_QUICK_OUT, EXPERIMENTS, reproduce, selectExperiments, verdict, type Experiment, type ExperimentEvent } from '../../reproduce/index.js';
import { formatDuration, progressReporter, SweepAbortedError, type ProgressReporter } from '../../sweep/index.js';

/** What the command touches outside itself; tests substitute experiments and buffers. */
export interface ReproduceCommandDeps {
  readonly experiments?: readonly Experiment[];
  readonly stdout?: NodeJS.WritableStream;
  readonly stderr?: NodeJS.WritableStream;
  /** Progress as a bar (terminal) or plain lines; default: whether stderr is a terminal. */
  readonly tty?: boolean;
  readonly setExitCode?: (code: number) => void;
}

interface ReproduceFlags {
  readonly quick?: boolean;
  readonly out?: string;
  readonly workers?: string;
  readonly only?: string;
  readonly date?: string;
  readonly fresh?: boolean;
}

function parseWorkers(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\s*\d+\s*$/.test(text) || Number(text) < 1) throw new InputError('--workers', `${JSON.stringify(text)} is not a worker count`, 'an integer ≥ 1');
  return Number(text);
}

function outcomeLine(e: Extract<ExperimentEvent, { phase: 'end' }>): string {
  const head = `[${e.index + 1}/${e.count}] ${e.experiment.id}`;
  const o = e.outcome;
  const time = formatDuration(e.wallMs);
  if (o.kind === 'not-run') return `${head}: not run — ${o.reason}\n`;
  if (o.kind === 'configuration') return `${head}: configuration ${verdict(o) === 'within' ? 'matches the testbed' : 'differs from the testbed'}\n`;
  const failed = o.failed.length === 0 ? '' : `, ${o.failed.length} failed`;
  const row = e.experiment.calibration === undefined ? '' : `, ${e.experiment.calibration} ${verdict(o) === 'flagged' ? 'FLAGGED' : verdict(o) === 'within' ? 'within tolerance' : 'not judged'}`;
  return `${head}: ${o.ok}/${o.points} points ok${failed}${row} (${time})\n`;
}

/**
 * `vmft reproduce [--quick] [--out DIR] [--workers N]`: the paper experiments, REPORT.md and the
 * figures. Exit 0 when it completed (flagged rows and failed points are findings, in the report),
 * 2 on bad input, 130 when interrupted (finished points stay in the stores; rerun to resume).
 */
export function registerReproduceCommand(program: Command, deps: ReproduceCommandDeps = {}): void {
  const stdout = deps.stdout ?? process.stdout;
  const stderr = deps.stderr ?? process.stderr;
  const setExitCode = deps.setExitCode ?? ((c: number) => void (process.exitCode = c));
  program
    .command('reproduce')
    .description('run the papers’ experiments and write REPORT.md with the calibration table and figures')
    .option('--quick', 'fewer points and replicates, shorter runs (a couple of minutes)')
    .option('--out <dir>', `output folder: REPORT.md, figures/, stores/ (raw runs, resumable); default ${DEFAULT_OUT}/, or ${DEFAULT_QUICK_OUT}/ with --quick (the committed full report is never overwritten by a quick run)`)
    .option('--workers <n>', 'worker threads (default: available cores)')
    .option('--fresh', 'discard the stores of the experiments run and simulate every point again')
    .option('--only <ids>', 'comma-separated experiment ids to run (the report then covers only those)')
    .option('--date <text>', 'a date to print in the report (left out by default: the report stays deterministic)')
    .action(async (flags: ReproduceFlags) => {
      const workers = parseWorkers(flags.workers);
      const out = flags.out ?? (flags.quick === true ? DEFAULT_QUICK_OUT : DEFAULT_OUT);
      if (out.trim() === '') throw new InputError('--out', 'empty', 'a folder');
      const all = deps.experiments ?? EXPERIMENTS;
      const ids = flags.only?.split(',').map((s) => s.trim()).filter((s) => s !== '');
      if (ids !== undefined && ids.length === 0) throw new InputError('--only', `${JSON.stringify(flags.only)} names no experiment`, all.map((e) => e.id).join(' | '));
      const chosen = ids === undefined ? all : selectExperiments(ids, all);
      const quick = flags.quick === true;
      const command = `vmft reproduce${quick ? ' --quick' : ''}${flags.only === undefined ? '' : ` --only ${chosen.map((e) => e.id).join(',')}`}`;
      const interrupt = onInterrupt();
      let bar: ProgressReporter | undefined;
      const started = performance.now();
      try {
        const result = await reproduce({
          out,
          quick,
          fresh: flags.fresh === true,
          experiments: chosen,
          command,
          signal: interrupt.signal,
          ...(workers === undefined ? {} : { workers }),
          ...(flags.date === undefined ? {} : { date: flags.date }),
          onExperiment: (e) => {
            if (e.phase === 'start') {
              bar = progressReporter({ stream: stderr, ...(deps.tty === undefined ? {} : { tty: deps.tty }), label: `[${e.index + 1}/${e.count}] ${e.experiment.id}` });
              return;
            }
            bar?.stop();
            bar = undefined;
            stderr.write(outcomeLine(e));
          },
          onProgress: (_exp, p) => bar?.onProgress(p),
        });
        const flagged = result.entries.filter((e) => e.experiment.calibration !== undefined && verdict(e.outcome) === 'flagged').map((e) => e.experiment.calibration);
        const notRun = result.entries.filter((e) => e.outcome.kind === 'not-run').length;
        let text = `report: ${result.report}\n`;
        text += `figures: ${join(out, 'figures')} (${result.figures.length / 2} figure${result.figures.length === 2 ? '' : 's'}, SVG and PNG)\n`;
        text += `raw runs: ${join(out, 'stores', quick ? 'quick' : '')}\n`;
        if (flagged.length > 0) text += `outside tolerance (flagged in the report): ${flagged.join(', ')}\n`;
        if (notRun > 0) text += `${notRun} experiment${notRun === 1 ? '' : 's'} not run (reasons in the report)\n`;
        stdout.write(text);
        stderr.write(`reproduce: finished in ${formatDuration(performance.now() - started)}\n`);
        setExitCode(0);
      } catch (e) {
        bar?.stop();
        if (!(e instanceof SweepAbortedError)) throw e;
        stderr.write(`reproduce: interrupted${interrupt.received === undefined ? '' : ` (${interrupt.received})`}; finished points are kept in ${join(out, 'stores')} — rerun the same command to resume\n`);
        setExitCode(interrupt.exitCode());
      } finally {
        interrupt.dispose();
      }
    });
}
