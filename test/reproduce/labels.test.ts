import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { intervalSummary } from '../../lib/reproduce/evaluate.js';
import { EXPERIMENTS, type MeasuredExperiment } from '../../lib/reproduce/index.js';
import { fixedCostOf } from '../../lib/reproduce/measure.js';
import { runScenario } from '../../lib/scenario/index.js';
import { ROOT } from '../sweep/helpers.js';

const measured = (id: string): MeasuredExperiment => EXPERIMENTS.find((e): e is MeasuredExperiment => e.id === id && e.kind === 'measured')!;
const check = (id: string, label: string) => measured(id).checks!.find((c) => c.label === label)!;

describe('what the calibration rows claim (fitted or predicted)', () => {
  it('C1: data sent, rounds and downtime read back fitted inputs; the total time is the one prediction', () => {
    expect(check('clark-quake3', 'data sent').fitted).toMatch(/fitted to C1’s per-round data/);
    expect(check('clark-quake3', 'rounds').fitted).toMatch(/quake3’s dirtying .* fitted to C1’s per-round list/);
    expect(check('clark-quake3', 'downtime').fitted).toMatch(/TARGET_STARTUP_NS.*SOURCE_SUSPEND_NS/);
    expect(check('clark-quake3', 'total time').fitted).toBeUndefined();
  });

  it('C5: every point is fitted, the 0 ms score and the curve beyond it', () => {
    const c5 = measured('specweb-latency').checks!;
    expect(c5).toHaveLength(6);
    for (const c of c5) expect(c.fitted, c.label).toBeDefined();
    expect(check('specweb-latency', 'score @60 ms').fitted).toMatch(/serverWorkers.*whole curve/);
  });

  it('C6: the raw rate is a prediction; clark-apache’s throughputs are fitted, its downtime is not', () => {
    expect(check('remus-compression', 'raw').fitted).toBeUndefined();
    const shown = measured('clark-apache').show;
    expect(shown.find((s) => s.metric === 'throughputBeforeMbps')!.fitted).toMatch(/cpuUsPerRequest/);
    expect(shown.find((s) => s.metric === 'throughputDuringMbps')!.fitted).toMatch(/DOM0_CPU_NS_PER_BYTE/);
    expect(shown.find((s) => s.metric === 'downtimeMs')!.fitted).toBeUndefined();
  });

  it('only overheads are signed quantities (their intervals may go below zero)', () => {
    for (const e of EXPERIMENTS) {
      if (e.kind !== 'measured') continue;
      for (const s of e.show) expect(s.signed === true, `${e.id} ${s.metric}`).toBe(s.metric === 'overheadPct');
      for (const c of e.checks ?? []) expect(c.signed === true, `${e.id} ${c.label}`).toBe(c.metric === 'overheadPct');
    }
  });
});

describe('the downtime’s fixed cost', () => {
  it('is the suspend, the start-up and the ARP of the host profile: 47.9 ms on clark-2005, and follows host.* overrides', () => {
    const f = fixedCostOf(measured('clark-quake3'), { 'migration.policy': 'xen-classic' })!;
    expect(f.parts.map((p) => p.key)).toEqual(['host.migrationSuspendNs', 'host.restoreNs', 'host.redirectNs']);
    expect(f.totalMs).toBeCloseTo(7.8125 + 40 + 0.1, 9);
    expect(fixedCostOf(measured('clark-quake3'), { 'host.restoreNs': 10_000_000 })!.totalMs).toBeCloseTo(7.8125 + 10 + 0.1, 9);
    expect(fixedCostOf(measured('specweb-latency'), {})).toBeUndefined();
  });

  it('is what a migration of a guest that writes almost nothing takes: its downtime is the fixed cost plus ≈ 1 ms', () => {
    const exp = measured('clark-quake3');
    const params = { ...exp.sweep.params, 'run.durationS': 25 };
    const r = runScenario({ engine: 'migration', workload: 'quake3', params, seed: 1 });
    const fixed = fixedCostOf(exp, params)!.totalMs;
    const downtime = r.metrics.downtimeMs!;
    expect(downtime).toBeGreaterThan(fixed);
    expect(downtime - fixed).toBeLessThan(3);
  }, 60_000);
});

describe('intervalSummary', () => {
  it('keeps Student t while its bounds are not negative', () => {
    const { summary, bootstrap } = intervalSummary([10, 11, 12], false, 'm');
    expect(bootstrap).toBeUndefined();
    expect(summary.ci95Low).toBeCloseTo(11 - 4.302653 / Math.sqrt(3), 4);
  });

  it('gives a quantity that cannot be negative the bootstrap when t reaches below zero, and names it', () => {
    const { summary, bootstrap } = intervalSummary([0, 0, 0, 0, 12], false, 'last round');
    expect(bootstrap).toBe(10_000);
    expect(summary.mean).toBeCloseTo(2.4);
    expect(summary.ci95Low).toBe(0);
    expect(summary.ci95High).toBeLessThanOrEqual(12);
  });

  it('leaves a signed quantity, a single value and a sample with negative values to Student t', () => {
    expect(intervalSummary([0, 0, 0, 0, 12], true, 'overhead').bootstrap).toBeUndefined();
    expect(intervalSummary([-1, 0, 5], false, 'x').bootstrap).toBeUndefined();
    expect(intervalSummary([3], false, 'x').bootstrap).toBeUndefined();
  });
});

describe('README and REPORT.md give the same counts', () => {
  /** One line of text: line breaks and blockquote marks (`> `) as spaces. */
  const flat = (text: string): string => text.replace(/\n>[ ]?/g, ' ').replace(/\s+/g, ' ');
  const report = flat(readFileSync(join(ROOT, 'results', 'REPORT.md'), 'utf8'));
  const readme = flat(readFileSync(join(ROOT, 'README.md'), 'utf8'));
  const ROWS = /(\d+) calibration rows: (\d+) within tolerance \((\d+) with a predicted check, (\d+) reading back fitted inputs only, (\d+) configuration\), (\d+) flagged, (\d+) not run\./;
  const CHECKS = /(\d+) checks: (\d+) within tolerance \((\d+) predicted, (\d+) reading back a fitted input\), (\d+) outside or without a value \((\d+) predicted, (\d+) reading back a fitted input\)\./;

  it.each([
    ['rows', ROWS],
    ['checks', CHECKS],
  ])('%s', (_, pattern) => {
    const inReport = pattern.exec(report);
    const inReadme = pattern.exec(readme);
    expect(inReport, 'REPORT.md states the count').not.toBeNull();
    expect(inReadme, 'README.md states the count').not.toBeNull();
    expect(inReadme!.slice(1).map(Number)).toEqual(inReport!.slice(1).map(Number));
  });
});
