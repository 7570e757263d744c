import type { EngineDef } from '../engines/engine.js';
import type { ParamValue } from '../params/index.js';
import { ENGINE_DEFS, resolveRunParams } from '../scenario/index.js';

/** One protection of the comparison: an engine, and for Remus whether output is buffered. */
export interface Protection {
  /** `unprotected`, `migration`, `remus`, `remus-unbuffered`, `active`, `spare`. */
  readonly name: string;
  readonly engine: EngineDef;
  /** The row's parameter values that pick this protection among its engine's rows. */
  readonly match: Readonly<Record<string, ParamValue>>;
}

/** The protections of a comparison, in the table's order: those whose engine this build has. */
export function protections(): Protection[] {
  const def = (name: string): EngineDef | undefined => ENGINE_DEFS.find((e) => e.name === name);
  const out: Protection[] = [];
  const add = (name: string, engine: string, match: Record<string, ParamValue> = {}): void => {
    const d = def(engine);
    if (d !== undefined) out.push({ name, engine: d, match });
  };
  add('unprotected', 'unprotected');
  add('migration', 'migration');
  add('remus', 'remus', { 'remus.netBuffering': true });
  add('remus-unbuffered', 'remus', { 'remus.netBuffering': false });
  add('spare', 'spare');
  add('active', 'active');
  return out;
}

/** Keys of `params` that apply to `engine` (another engine's namespace does not). */
export function paramsFor(engine: string, params: Readonly<Record<string, ParamValue>>): Record<string, ParamValue> {
  const engines = ENGINE_DEFS.map((e) => e.name).concat('spare');
  return Object.fromEntries(
    Object.entries(params).filter(([k]) => {
      const ns = k.slice(0, k.indexOf('.'));
      return !engines.includes(ns) || ns === engine;
    }),
  );
}

/** Hosts and running replicas of a protection's run with these parameters. */
export function shapeOf(engine: EngineDef, workload: string, params: Readonly<Record<string, ParamValue>>): { hosts: number; activeReplicas: number; faultBudget: number } {
  const p = resolveRunParams(engine.name, workload, paramsFor(engine.name, params));
  // An engine that targets hosts runs one replica per host (spare's layout adds a host for its check's reference replica).
  const hosts = engine.name === 'unprotected' ? 1 : engine.targetsHosts === true ? (engine.replicas?.(p).active ?? 1) : (engine.layout?.(p).hosts.length ?? 2);
  return { hosts, activeReplicas: engine.replicas?.(p).active ?? 1, faultBudget: engine.faultBudget?.(p) ?? 1 };
}
