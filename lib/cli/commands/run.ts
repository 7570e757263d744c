import type { Command } from 'commander';
import { InputError, type ParamValue } from '../../params/index.js';
import { ENGINE_DEFS, runScenario } from '../../scenario/index.js';
import { formatRun } from '../format.js';

/** `--set key=value`, repeatable. */
export function collectSet(value: string, previous: Record<string, ParamValue>): Record<string, ParamValue> {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new InputError('--set', `${JSON.stringify(value)} is not key=value`, 'key=value, e.g. remus.epochMs=50');
  const key = value.slice(0, eq).trim();
  if (Object.hasOwn(previous, key)) throw new InputError(key, `set twice with --set (${JSON.stringify(previous[key])} and ${JSON.stringify(value.slice(eq + 1))})`, 'one --set per key');
  // The value as written: a number with spaces around it is not a number.
  return { ...previous, [key]: value.slice(eq + 1) };
}

export function parseSeed(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < 0 || n > 0xffffffff)
    throw new InputError('--seed', `${JSON.stringify(value)} is not a valid seed`, 'an integer 0 … 4294967295');
  return n;
}

export function registerRunCommand(program: Command, out: (s: string) => void): void {
  program
    .command('run')
    .description('run one engine over one workload and print its metrics, invariants and series')
    .argument('<engine>', ENGINE_DEFS.map((e) => e.name).join(' | '))
    .option('-w, --workload <name>', 'workload preset (vmft list workloads)', 'idle')
    .option('-s, --set <key=value>', 'set a parameter (repeatable; vmft list params)', collectSet, {})
    .option('--seed <n>', 'random seed (32-bit unsigned integer)', parseSeed, 1)
    .option('--json', 'print exactly one JSON object: { engine, workload, seed, params, metrics, invariants, series, modelVersion }')
    .action((engine: string, opts: { workload: string; set: Record<string, ParamValue>; seed: number; json?: boolean }) => {
      const result = runScenario({ engine, workload: opts.workload, params: opts.set, seed: opts.seed });
      out(opts.json ? JSON.stringify(result) : formatRun(result));
    });
}
