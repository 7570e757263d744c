import { join } from 'node:path';
import type { Command } from 'commander';
import { saveFigure } from '../../analysis/index.js';
import { compare, compareCostChart, compareMarkdown, compareNinesChart, compareText, loadFaultLoad } from '../../compare/index.js';
import { InputError, type ParamValue } from '../../params/index.js';
import { progressReporter, SweepAbortedError } from '../../sweep/index.js';
import { onInterrupt } from '../interrupt.js';
import { collectSet, parseSeed } from './run.js';

function parseCount(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new InputError(flag, `${JSON.stringify(text)} is not a count`, 'an integer ≥ 1');
  return Number(text);
}

interface CompareFlags {
  readonly workload?: string;
  readonly faults?: string;
  readonly set: Record<string, ParamValue>;
  readonly replicates?: string;
  readonly seed: number;
  readonly out?: string;
  readonly workers?: string;
}

/** Adds `vmft compare` (docs/compare.md). */
export function registerCompareCommand(program: Command, out: (s: string) => void): void {
  program
    .command('compare')
    .description('one workload and one fault load under every protection: cost, outcome and, with rates, nines')
    .requiredOption('-w, --workload <name>', 'workload preset (vmft list workloads)')
    .option('--faults <file>', 'fault load: JSON (schemas/fault-load.schema.json)')
    .option('-s, --set <key=value>', 'set a parameter for every protection (an engine’s own keys apply to it alone; spare.f also sets active.f)', collectSet, {})
    .option('--replicates <n>', 'runs per protection (default 1)')
    .option('--seed <n>', 'base seed', parseSeed, 1)
    .option('--out <dir>', 'folder for the stores, compare.md, compare.json and figures (rerun into it to resume)')
    .option('--workers <n>', 'worker threads (default: available cores)')
    .action(async (flags: CompareFlags) => {
      const faults = flags.faults === undefined ? undefined : loadFaultLoad(flags.faults);
      const replicates = parseCount('--replicates', flags.replicates);
      const workers = parseCount('--workers', flags.workers);
      const progress = progressReporter({ stream: process.stderr, label: `compare ${flags.workload}` });
      const interrupt = onInterrupt();
      try {
        const result = await compare({
          workload: flags.workload!,
          ...(faults === undefined ? {} : { faults }),
          set: flags.set,
          seed: flags.seed,
          ...(replicates === undefined ? {} : { replicates }),
          ...(workers === undefined ? {} : { workers }),
          ...(flags.out === undefined ? {} : { out: flags.out }),
          signal: interrupt.signal,
          onProgress: progress.onProgress,
        });
        progress.stop();
        out(compareText(result));
        if (flags.out !== undefined) {
          const { writeFileSync } = await import('node:fs');
          writeFileSync(join(flags.out, 'compare.md'), compareMarkdown(result));
          await saveFigure(compareCostChart(result), join(flags.out, 'figures', 'compare-cost'));
          if (result.rows.some((r) => r.dependability !== undefined)) await saveFigure(compareNinesChart(result), join(flags.out, 'figures', 'compare-nines'));
          out(`wrote ${join(flags.out, 'compare.md')}, compare.json and figures/`);
        }
      } catch (e) {
        progress.stop();
        if (!(e instanceof SweepAbortedError)) throw e;
        process.stderr.write(`compare: interrupted; finished runs are kept${flags.out === undefined ? '' : ` in ${flags.out}`} — rerun the same command to resume\n`);
        process.exitCode = interrupt.exitCode();
      } finally {
        interrupt.dispose();
      }
    });
}
