import { describe, expect, it } from 'vitest';
import {
  CALIBRATION_ROWS,
  EXPERIMENTS,
  effectivePlan,
  evaluateCheck,
  isWithin,
  selectExperiments,
  sweepSpecFor,
  toleranceOf,
  unavailableReason,
  type Check,
  type MeasuredExperiment,
} from '../../lib/reproduce/index.js';
import { validateSpec } from '../../lib/sweep/index.js';

const measured = EXPERIMENTS.filter((e): e is MeasuredExperiment => e.kind === 'measured');

describe('the experiment list', () => {
  it('covers every calibration row C1–C10 exactly once, in order', () => {
    expect(EXPERIMENTS.filter((e) => e.calibration !== undefined).map((e) => e.calibration)).toEqual([...CALIBRATION_ROWS]);
  });

  it('has unique ids usable as file names', () => {
    const ids = EXPERIMENTS.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9-]+$/);
  });

  it('gives published values only to calibration rows', () => {
    for (const e of measured) if (e.calibration === undefined) expect(e.checks ?? []).toEqual([]);
    for (const e of measured) if (e.calibration !== undefined) expect((e.checks ?? []).length).toBeGreaterThan(0);
  });

  it('documents every tolerance', () => {
    for (const e of measured) for (const c of e.checks ?? []) expect(c.tolerance.why.length).toBeGreaterThan(10);
  });

  it('expands to valid sweep specs, full and quick, the quick one never larger', () => {
    for (const e of measured) {
      const full = validateSpec(sweepSpecFor(e, false));
      const quick = validateSpec(sweepSpecFor(e, true));
      const points = (s: typeof full): number => Object.values(s.grid).reduce((n, v) => n * v.length, 1) * s.replicates;
      expect(points(quick), e.id).toBeLessThanOrEqual(points(full));
      expect(full.name).toBe(e.id);
      expect(quick.name).toBe(`${e.id}-quick`);
    }
  });

  it('checks only grid points the full plan runs', () => {
    for (const e of measured) {
      const plan = effectivePlan(e, false);
      for (const c of e.checks ?? [])
        for (const [k, v] of Object.entries(c.where ?? {})) expect(k in plan.grid ? plan.grid[k] : [plan.params[k]], `${e.id} ${c.label}`).toContain(v);
    }
  });

  it('selects by id, and an unknown id is bad input naming the allowed ones', () => {
    expect(selectExperiments(['wws-synthetic']).map((e) => e.id)).toEqual(['wws-synthetic']);
    expect(() => selectExperiments(['nope'])).toThrow(/--only: unknown experiment "nope" \(allowed: clark-quake3 \|/);
  });
});

describe('effectivePlan', () => {
  const exp: MeasuredExperiment = {
    ...(measured.find((e) => e.id === 'remus-kernel-compile') as MeasuredExperiment),
    quick: { params: { 'remus.checkpointsPerS': 40 }, grid: { 'vm.memoryMiB': [256, 512] }, replicates: 1, timeLimitS: 5 },
  };
  it('moves a key between params and grid when quick overrides it', () => {
    const q = effectivePlan(exp, true);
    expect(q.params['remus.checkpointsPerS']).toBe(40);
    expect(q.grid['remus.checkpointsPerS']).toBeUndefined();
    expect(q.grid['vm.memoryMiB']).toEqual([256, 512]);
    expect(q.params['vm.memoryMiB']).toBeUndefined();
    expect(q.replicates).toBe(1);
    expect(q.timeLimitS).toBe(5);
    expect(effectivePlan(exp, false).grid['remus.checkpointsPerS']).toEqual([10, 20, 30, 40]);
  });
});

describe('tolerance (docs/design.md#calibration: the larger of the percentage and 5 % of full scale)', () => {
  it('takes the larger', () => {
    expect(toleranceOf(305, { pct: 10, fullScale: 350, why: '' })).toBeCloseTo(30.5);
    expect(toleranceOf(70, { pct: 10, fullScale: 350, why: '' })).toBeCloseTo(17.5);
    expect(toleranceOf(11, { abs: 2, why: '' })).toBe(2);
    expect(toleranceOf([45_000, 50_000], { pct: 20, fullScale: 50_000, why: '' })).toBeCloseTo(9500);
    expect(toleranceOf(0, { pct: 20, fullScale: 50_000, why: '' })).toBe(2500);
  });
  it('judges ranges from either end', () => {
    expect(isWithin(52, [35, 50], 2)).toBe(true);
    expect(isWithin(52.1, [35, 50], 2)).toBe(false);
    expect(isWithin(33, [35, 50], 2)).toBe(true);
    expect(isWithin(NaN, 1, 100)).toBe(false);
  });
});

describe('evaluateCheck', () => {
  const check: Check = { label: 'p', metric: 'm', unit: '', where: { k: 2 }, published: 10, tolerance: { pct: 10, why: '' } };
  const plan = { params: {}, grid: { k: [1, 2] } };
  it('summarizes the matching rows and judges the mean', () => {
    const r = evaluateCheck(check, [{ k: 1, m: 100 }, { k: 2, m: 10.5 }, { k: 2, m: 10.9 }], plan);
    expect(r.status).toBe('within');
    expect(r.summary?.n).toBe(2);
    expect(r.summary?.mean).toBeCloseTo(10.7);
    expect(evaluateCheck(check, [{ k: 2, m: 12 }], plan).status).toBe('outside');
  });
  it('says when the metric is missing, and when the point is not in this run', () => {
    expect(evaluateCheck(check, [{ k: 2 }], plan)).toMatchObject({ status: 'no-value', note: 'the runs report no `m`' });
    expect(evaluateCheck(check, [], plan)).toMatchObject({ status: 'no-value', note: 'no run of this point finished' });
    expect(evaluateCheck(check, [], { params: {}, grid: { k: [1] } }).status).toBe('skipped');
  });
});

describe('unavailableReason', () => {
  const spec = (over: object) => validateSpec({ engine: 'unprotected', workload: 'synthetic', ...over });
  it('is undefined when the build can run the sweep', () => {
    expect(unavailableReason(spec({}))).toBeUndefined();
  });
  it('names a missing workload and what the build has', () => {
    expect(unavailableReason(spec({ workload: 'no-such-workload' }))).toMatch(/^workload `no-such-workload` is not available yet \(this build has: idle, synthetic/);
  });
  it('names a parameter the build does not accept', () => {
    expect(unavailableReason(spec({ params: { 'bogus.key': 1 } }))).toMatch(/^not accepted by this build: bogus\.key/);
  });
  it('catches a fault scheduled after the end of the run', () => {
    expect(unavailableReason(spec({ params: { 'run.durationS': 5, 'faults.hostCrashAtS': 9 } }))).toMatch(/faults\.hostCrashAtS/);
  });
});

describe('measure', () => {
  it('reports an experiment on an engine the contract does not have yet as not run, with the reason', async () => {
    const { measure } = await import('../../lib/reproduce/index.js');
    const exp: MeasuredExperiment = {
      kind: 'measured',
      id: 'zz-later',
      title: 'ZZ',
      paperFigure: 'ZZ fig. 1',
      setup: 'an engine this build does not have',
      sweep: { engine: 'zz', workload: 'kvstore', replicates: 1 },
      quick: {},
      show: [],
    };
    const outcome = await measure(exp, { out: '/nonexistent-never-written', quick: true });
    expect(outcome.kind).toBe('not-run');
    expect(outcome.kind === 'not-run' && outcome.reason).toMatch(/^its sweep is not valid in this build: .*engine: bad value, got "zz"/);
  });
});
