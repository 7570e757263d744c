import { describe, expect, it } from 'vitest';
import { isInputError } from '../../lib/params/index.js';
import { expandSpec, pointCount, pointId, pointRequest, sweep, validateSpec } from '../../lib/sweep/index.js';

/** The engine as a grid dimension: one sweep over several protections of one workload. */
const spec = validateSpec({
  workload: 'kvstore',
  params: { 'run.durationS': 2, 'vm.memoryMiB': 16 },
  grid: { engine: ['unprotected', 'remus', 'active'], 'remus.netBuffering': [true, false] },
  engineParams: { remus: { 'faults.primaryCrashAtS': 1 }, active: { 'faults.hostCrashAtS': 1 } },
  replicates: 2,
});

function fieldOf(input: unknown): string[] {
  try {
    validateSpec(input);
  } catch (e) {
    if (isInputError(e)) return ((e as { issues?: { field: string }[] }).issues ?? [{ field: e.field }]).map((i) => i.field);
    throw e;
  }
  return [];
}

describe('expandSpec(spec) with grid.engine', () => {
  it('gives each point its engine, only its engine’s keys, and its engineParams', () => {
    const points = expandSpec(spec);
    // remus × 2 buffering settings; unprotected and active once each (the remus key does not apply).
    // Engines in their listed order (the grid key `engine` sorts first: it varies slowest).
    expect(points.map((p) => [p.engine, p.params['remus.netBuffering'] ?? '-', p.replicate])).toEqual([
      ['unprotected', '-', 0],
      ['unprotected', '-', 1],
      ['remus', true, 0],
      ['remus', true, 1],
      ['remus', false, 0],
      ['remus', false, 1],
      ['active', '-', 0],
      ['active', '-', 1],
    ]);
    expect(pointCount(spec)).toBe(8);
    expect(points.map((p) => p.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const remus = points.find((p) => p.engine === 'remus')!;
    expect(remus.params['faults.primaryCrashAtS']).toBe(1);
    expect(remus.params['faults.hostCrashAtS']).toBeUndefined();
    const active = points.find((p) => p.engine === 'active')!;
    expect(active.params['faults.hostCrashAtS']).toBe(1);
    // The engine is a column of the row (a grid key) but not a run parameter; the id hashes it.
    expect(active.params.engine).toBe('active');
    const req = pointRequest(spec, active);
    expect(req.engine).toBe('active');
    expect(req.params).not.toHaveProperty('engine');
    const { engine: _e, ...params } = active.params;
    expect(active.id).toBe(pointId('active', 'kvstore', params, 0));
  });

  it('a fixed engine keeps every key, as before (another engine’s key is then the runner’s bad input)', () => {
    const fixed = validateSpec({ engine: 'unprotected', workload: 'synthetic', grid: { 'remus.epochMs': [25, 50] } });
    expect(expandSpec(fixed).map((p) => p.params['remus.epochMs'])).toEqual([25, 50]);
  });

  it('refuses an engine that is both fixed and varied, or neither, or not an engine, naming the field', () => {
    expect(fieldOf({ engine: 'remus', workload: 'kvstore', grid: { engine: ['remus', 'active'] } })).toEqual(['grid.engine']);
    expect(fieldOf({ workload: 'kvstore' })).toEqual(['engine']);
    expect(fieldOf({ workload: 'kvstore', grid: { engine: ['remus', 'xen'] } })).toEqual(['grid.engine[1]']);
    expect(fieldOf({ workload: 'kvstore', grid: { engine: ['zz'] } })).toEqual(['grid.engine[0]']);
    expect(fieldOf({ engine: 'remus', workload: 'kvstore', params: { engine: 'remus' } })).toEqual(['params.engine']);
    expect(fieldOf({ engine: 'remus', workload: 'kvstore', engineParams: { xen: {} } })).toEqual(['engineParams.xen']);
  });

  it('runs: every row names its engine, and the same spec gives the same rows', async () => {
    const small = validateSpec({ ...spec, replicates: 1 });
    const a = await sweep(small, { workers: 1 });
    expect(a.map((r) => [r.engine, r.status])).toEqual([
      ['unprotected', 'ok'],
      ['remus', 'ok'],
      ['remus', 'ok'],
      ['active', 'ok'],
    ]);
    expect(a.find((r) => r.engine === 'remus' && r['remus.netBuffering'] === false)!['inv.outputCommitted']).toBe(false);
    const b = await sweep(small, { workers: 2 });
    const strip = (rows: typeof a) => rows.map(({ wallMs: _w, ...r }) => JSON.stringify(r));
    expect(strip(b)).toEqual(strip(a));
  }, 180_000);
});
