import type { Command } from 'commander';
import { describeAllowed, InputError, type ParamSpec } from '../../params/index.js';
import { COMMON_PARAMS, ENGINE_DEFS, PLANNED_ENGINES } from '../../scenario/index.js';
import { WORKLOADS } from '../../../workloads/index.js';
import { table } from '../format.js';

const WHAT = ['engines', 'workloads', 'policies', 'params'] as const;

function paramRows(specs: readonly ParamSpec[], defaults: Readonly<Record<string, unknown>> = {}): Array<[string, string]> {
  return specs.map((p) => {
    const d = p.key in defaults ? defaults[p.key] : p.default;
    return [p.key, `${d === undefined ? '(unset)' : String(d)}   ${describeAllowed(p)} — ${p.doc}`];
  });
}

/** The text of `vmft list <what>`. */
export function listText(what: string): string {
  switch (what) {
    case 'engines':
      return table([
        ...ENGINE_DEFS.map((e) => [e.name, e.description] as [string, string]),
        ...PLANNED_ENGINES.map((n) => [n, 'not available yet (planned)'] as [string, string]),
      ]);
    case 'workloads':
      return table(WORKLOADS.map((w) => [w.name, `${w.description}  [${w.from}]`] as [string, string]));
    case 'policies': {
      const rows: Array<[string, string]> = [];
      for (const e of ENGINE_DEFS) for (const p of e.policies ?? []) rows.push([`${e.name}: ${p.name}`, p.description]);
      return rows.length > 0 ? table(rows) : 'no engine with policies is available';
    }
    case 'params': {
      const blocks = [table(paramRows(COMMON_PARAMS), 'common (every run)')];
      for (const e of ENGINE_DEFS) if (e.params.length > 0) blocks.push(table(paramRows(e.params), `engine ${e.name}`));
      for (const w of WORKLOADS) {
        const rows = paramRows(w.params);
        const d = Object.entries(w.defaults).map(([k, v]) => [k, `${String(v)}   (preset default)`] as [string, string]);
        if (rows.length + d.length > 0) blocks.push(table([...d, ...rows], `workload ${w.name}`));
      }
      return blocks.join('\n\n');
    }
    default:
      throw new InputError('list', `unknown list ${JSON.stringify(what)}`, WHAT.join(' | '));
  }
}

export function registerListCommand(program: Command, out: (s: string) => void): void {
  program
    .command('list')
    .description('list engines, workloads, policies or params (with defaults and allowed values)')
    .argument('<what>', WHAT.join(' | '))
    .action((what: string) => out(listText(what)));
}
