import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FaultClass } from '../faults/index.js';
import { InputError, type ParamValue } from '../params/index.js';
import { resolveRunParams } from '../scenario/index.js';
import { sweep, validateSpec, type SweepOptions, type SweepRow, type SweepSpec } from '../sweep/index.js';
import { getWorkload } from '../../workloads/index.js';
import { dependability, type Dependability, type MeasuredFault } from './dependability.js';
import { expressFaults, type NotApplicable } from './express.js';
import { validateFaultLoad, type FaultLoad, type LoadFault } from './fault-load.js';
import { runOutcome, type Outcome } from './outcome.js';
import { paramsFor, protections, shapeOf, type Protection } from './protections.js';

export interface CompareOptions {
  readonly workload: string;
  /** The fault load replayed on every protection (none: a fault-free comparison). */
  readonly faults?: FaultLoad;
  /** Parameters for every protection (`--set`); an engine's own keys apply to it alone, except that `spare.f` also sets `active.f`. */
  readonly set?: Readonly<Record<string, ParamValue>>;
  readonly replicates?: number;
  readonly seed?: number;
  /** Folder for the stores (`load/`, `rate-<kind>/`), compare.md, compare.json and figures; resumable. */
  readonly out?: string;
  readonly workers?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: SweepOptions['onProgress'];
}

/** One protection's line of the comparison: means over its replicates of the fault-load runs. */
export interface CompareRow {
  readonly protection: string;
  readonly engine: string;
  readonly hostsReserved: number;
  readonly vmsReserved: number;
  readonly cpuSeconds: number;
  readonly memoryGiBSeconds: number;
  readonly networkMiB: number;
  readonly throughputOpsPerS: number | null;
  readonly latencyMsP50: number | null;
  readonly latencyMsP99: number | null;
  /** The worst over its replicates. */
  readonly clientOutageMs: number | null;
  /** In any replicate. */
  readonly serviceLost: boolean;
  readonly wrongReplies: number;
  /** What the fault load did (worst over replicates), or "not applicable" when the protection cannot express one of its faults. */
  readonly outcome: Outcome;
  /** What the engine declares: whether it tolerates every fault kind of the load, and that many faults (its fault budget). */
  readonly declared: 'tolerates' | 'does not tolerate' | '—';
  readonly notApplicable: readonly NotApplicable[];
  /** With fault rates: the expected downtime and wrong or lost replies per year. */
  readonly dependability?: Dependability;
}

export interface CompareResult {
  readonly workload: string;
  readonly faults: FaultLoad;
  readonly rows: readonly CompareRow[];
  /** The sweep specs that ran: the fault load, and one per rated fault kind. */
  readonly specs: { readonly load: SweepSpec; readonly rates: Readonly<Record<string, SweepSpec>> };
}

/**
 * Fault keys given with `--set` become faults of the load, so every protection expresses them its
 * own way and the table judges them: `faults.hostCrashAtS` crashes host `faults.targetHost` (0),
 * the primary's crash is host 0's, the backup's host 1's.
 */
function faultsFromSet(set: Record<string, ParamValue>): LoadFault[] {
  const out: LoadFault[] = [];
  const take = (key: string): number | undefined => {
    const v = set[key];
    delete set[key];
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0 || String(v).trim() === '') throw new InputError(key, `${JSON.stringify(v)} is not a time`, 'a number of seconds ≥ 0');
    return n;
  };
  const target = take('faults.targetHost') ?? 0;
  const host = take('faults.hostCrashAtS');
  if (host !== undefined) out.push(target === 0 ? { kind: 'hostCrash', atS: host } : { kind: 'hostCrash', atS: host, host: target });
  const primary = take('faults.primaryCrashAtS');
  if (primary !== undefined) out.push({ kind: 'hostCrash', atS: primary });
  const backup = take('faults.backupCrashAtS');
  if (backup !== undefined) out.push({ kind: 'hostCrash', atS: backup, host: 1 });
  const vm = take('faults.vmCrashAtS');
  if (vm !== undefined) out.push(target === 0 ? { kind: 'vmCrash', atS: vm } : { kind: 'vmCrash', atS: vm, replica: target });
  const rm = take('faults.rmCrashAtS');
  if (rm !== undefined) out.push(target === 0 ? { kind: 'rmCrash', atS: rm } : { kind: 'rmCrash', atS: rm, host: target });
  const link = take('faults.linkDownAtS');
  const linkFor = take('faults.linkDownForS');
  if (link !== undefined) out.push(linkFor === undefined ? { kind: 'linkDown', atS: link } : { kind: 'linkDown', atS: link, forS: linkFor });
  const byzAt = take('faults.byzantineAtS');
  const byzN = take('faults.byzantineReplicas');
  const byzKind = set['faults.byzantineKind'];
  delete set['faults.byzantineKind'];
  if (byzAt !== undefined || byzN !== undefined || byzKind !== undefined) {
    if (byzAt === undefined || byzKind === undefined) throw new InputError('faults.byzantineAtS', 'a Byzantine fault needs faults.byzantineAtS and faults.byzantineKind', 'both set, or neither');
    const f = validateFaultLoad({ faults: [{ kind: 'byzantine', atS: byzAt, byzantineKind: byzKind }] }, '--set').faults[0]!;
    for (let i = 0; i < (byzN ?? 1); i++) out.push(f);
  }
  return out;
}

const withSpareF = (set: Readonly<Record<string, ParamValue>>): Record<string, ParamValue> =>
  set['spare.f'] !== undefined && set['active.f'] === undefined ? { ...set, 'active.f': set['spare.f'] } : { ...set };

/**
 * The fault a rated kind is measured with: one on host or replica 0 — the primary, the source, the
 * sequencer: the worst place for most protections — at an eighth of the run, before the maintenance
 * migration starts (a quarter in), since a planned migration protects against nothing unplanned. A
 * Byzantine one behaves as the load's first Byzantine fault, or answers wrongly.
 */
function representative(kind: FaultClass, load: FaultLoad, durationS: number): LoadFault {
  const atS = durationS / 8;
  if (kind !== 'byzantine') return kind === 'linkDown' ? { kind, atS, forS: durationS / 8 } : { kind, atS };
  const byz = load.faults.find((f) => f.kind === 'byzantine');
  return { kind, atS, byzantineKind: byz?.byzantineKind ?? 'wrong-reply' };
}

interface Plan {
  readonly spec: SweepSpec;
  readonly notApplicable: ReadonlyMap<string, readonly NotApplicable[]>;
}

/** A sweep over the protections that can express `faults` (all of them when `all`). */
function plan(opts: CompareOptions, list: readonly Protection[], params: Record<string, ParamValue>, durationS: number, faults: readonly LoadFault[], all: boolean): Plan {
  const engineParams: Record<string, Record<string, ParamValue>> = {};
  const notApplicable = new Map<string, readonly NotApplicable[]>();
  const engines: string[] = [];
  for (const p of list) {
    if (engines.includes(p.engine.name)) continue;
    const expressed = expressFaults(faults, { engine: p.engine, ...shapeOf(p.engine, opts.workload, params) });
    notApplicable.set(p.engine.name, expressed.notApplicable);
    if (!all && expressed.notApplicable.length > 0) continue;
    engines.push(p.engine.name);
    const own: Record<string, ParamValue> = { ...expressed.params };
    // A maintenance migration: planned, a quarter into the run unless the user says when.
    if (p.engine.name === 'migration' && params['migration.startAtS'] === undefined) own['migration.startAtS'] = durationS / 4;
    if (Object.keys(own).length > 0) engineParams[p.engine.name] = own;
  }
  const grid: Record<string, ParamValue[]> = { engine: engines };
  if (engines.includes('remus') && params['remus.netBuffering'] === undefined && list.some((p) => p.name === 'remus-unbuffered')) grid['remus.netBuffering'] = [true, false];
  const spec = validateSpec({
    name: `compare-${opts.workload}`,
    workload: opts.workload,
    params,
    grid,
    engineParams,
    replicates: opts.replicates ?? 1,
    seed: opts.seed ?? 1,
  });
  return { spec, notApplicable };
}

const rowsOf = (rows: readonly SweepRow[], p: Protection): SweepRow[] =>
  rows.filter((r) => r.status === 'ok' && r.engine === p.engine.name && Object.entries(p.match).every(([k, v]) => r[k] === undefined || r[k] === v));

function mean(rows: readonly SweepRow[], key: string): number | null {
  const xs = rows.map((r) => r[key]).filter((v): v is number => typeof v === 'number');
  return xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length;
}

const WORST: readonly Outcome[] = ['survived', 'lost output', 'down', 'wrong reply'];

/**
 * Run one workload under every protection this build has — unprotected, a maintenance migration,
 * Remus with and without output buffering, SPARE and `active` — on the same seeds and fault load,
 * as sweeps (parallel and resumable into `out`), and tabulate what each costs and what the faults
 * did. With fault rates, each rated kind is also run alone to measure one fault's effect, and
 * the expected annual downtime and wrong or lost replies follow (./dependability.ts).
 */
export async function compare(opts: CompareOptions): Promise<CompareResult> {
  getWorkload(opts.workload);
  const set = { ...(opts.set ?? {}) };
  const fromSet = faultsFromSet(set);
  const given: FaultLoad = opts.faults ?? { faults: [] };
  const load: FaultLoad = { ...given, faults: [...given.faults, ...fromSet] };
  if (opts.replicates !== undefined && (!Number.isInteger(opts.replicates) || opts.replicates < 1)) throw new InputError('--replicates', `${opts.replicates} is not a count`, 'an integer ≥ 1');
  const params = withSpareF(set);
  const list = protections();
  const durationS = resolveRunParams('unprotected', opts.workload, paramsFor('unprotected', params)).num('run.durationS');
  const sweepOpts = (sub: string): SweepOptions => ({
    ...(opts.out === undefined ? {} : { out: join(opts.out, sub) }),
    ...(opts.workers === undefined ? {} : { workers: opts.workers }),
    ...(opts.signal === undefined ? {} : { signal: opts.signal }),
    ...(opts.onProgress === undefined ? {} : { onProgress: opts.onProgress }),
  });

  const main = plan(opts, list, params, durationS, load.faults, true);
  const rates: Record<string, SweepSpec> = {};
  const ratePlans = (load.rates ?? []).map((r) => {
    const fault = representative(r.kind, load, durationS);
    const p = plan(opts, list, params, durationS, [fault], false);
    rates[r.kind] = p.spec;
    return { kind: r.kind, plan: p, afterS: durationS - fault.atS };
  });
  // Plans are checked before anything runs (bad input is exit 2 with nothing written).
  const loadRows = await sweep(main.spec, sweepOpts('load'));
  const rateRows = new Map<FaultClass, { rows: SweepRow[]; afterS: number }>();
  for (const { kind, plan: p, afterS } of ratePlans) rateRows.set(kind, { rows: p.spec.grid.engine!.length === 0 ? [] : await sweep(p.spec, sweepOpts(`rate-${kind}`)), afterS });

  const kinds = new Set(load.faults.map((f) => f.kind));
  const rows: CompareRow[] = list.map((p) => {
    const mine = rowsOf(loadRows, p);
    const na = main.notApplicable.get(p.engine.name) ?? [];
    const outcome: Outcome = na.length > 0 ? 'not applicable' : mine.map(runOutcome).reduce<Outcome>((w, o) => (WORST.indexOf(o) > WORST.indexOf(w) ? o : w), 'survived');
    const budget = shapeOf(p.engine, opts.workload, params).faultBudget;
    const declared = kinds.size === 0 ? '—' : [...kinds].every((k) => p.engine.tolerates.includes(k)) && load.faults.length <= budget ? 'tolerates' : 'does not tolerate';
    const outage = mine.map((r) => r.clientOutageMs).filter((v): v is number => typeof v === 'number');
    let dep: Dependability | undefined;
    if (load.rates !== undefined && load.rates.length > 0) {
      const measured: MeasuredFault[] = [];
      for (const [kind, { rows: rr, afterS }] of rateRows) {
        const m = rowsOf(rr, p);
        if (m.length === 0) continue;
        measured.push({
          kind,
          outageS: (Math.max(0, ...m.map((r) => (typeof r.clientOutageMs === 'number' ? r.clientOutageMs : 0))) || 0) / 1000,
          serviceLost: m.some((r) => r.serviceLost === true),
          wrongReplies: mean(m, 'wrongReplies') ?? 0,
          afterS,
          lostReplies: (mean(m, 'lostOutputs') ?? 0) + (mean(m, 'unansweredRequests') ?? 0),
        });
      }
      dep = dependability(measured, load.rates, { hosts: mean(mine, 'hostsReserved') ?? 1, replicas: mean(mine, 'activeReplicas') ?? 1 });
    }
    return {
      protection: p.name,
      engine: p.engine.name,
      hostsReserved: mean(mine, 'hostsReserved') ?? 0,
      vmsReserved: mean(mine, 'vmsReserved') ?? 0,
      cpuSeconds: mean(mine, 'cpuSeconds') ?? 0,
      memoryGiBSeconds: mean(mine, 'memoryGiBSeconds') ?? 0,
      networkMiB: mean(mine, 'networkMiB') ?? 0,
      throughputOpsPerS: mean(mine, 'throughputOpsPerS'),
      latencyMsP50: mean(mine, 'latencyMsP50'),
      latencyMsP99: mean(mine, 'latencyMsP99'),
      clientOutageMs: outage.length === 0 ? null : Math.max(...outage),
      serviceLost: mine.some((r) => r.serviceLost === true),
      wrongReplies: mean(mine, 'wrongReplies') ?? 0,
      outcome,
      declared,
      notApplicable: na,
      ...(dep === undefined ? {} : { dependability: dep }),
    };
  });
  const result: CompareResult = { workload: opts.workload, faults: load, rows, specs: { load: main.spec, rates } };
  if (opts.out !== undefined) {
    mkdirSync(opts.out, { recursive: true });
    writeFileSync(join(opts.out, 'compare.json'), JSON.stringify(result, null, 2) + '\n');
  }
  return result;
}
