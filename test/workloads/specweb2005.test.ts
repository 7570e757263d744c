import { describe, expect, it } from 'vitest';
import { effectivePlan, evaluateCheck, EXPERIMENTS, sweepSpecFor, type MeasuredExperiment } from '../../lib/reproduce/index.js';
import type { ParamValue } from '../../lib/params/index.js';
import { resolveRunParams, runScenario } from '../../lib/scenario/index.js';
import { expandSpec, pointRequest, validateSpec } from '../../lib/sweep/index.js';
import { ECOMMERCE_PAGES, INITIAL_WINDOW_BYTES, pageExchanges, slowStartRounds } from '../../workloads/specweb/model.js';
import { qosVerdict } from '../../workloads/specweb/sessions.js';

const run = (params: Record<string, number>, seed = 1) => runScenario({ engine: 'unprotected', workload: 'specweb2005', params, seed });

describe('specweb2005 model', () => {
  it('applies SPECweb2005’s E-commerce QoS rule: ≥ 95 % of pages within 3 s and ≥ 99 % within 5 s', () => {
    const pages = (good: number, tolerable: number, bad: number) => [...Array(good).fill(1), ...Array(tolerable).fill(4), ...Array(bad).fill(9)];
    expect(qosVerdict(pages(95, 4, 1)).pass).toBe(true);
    expect(qosVerdict(pages(94, 5, 1)).pass).toBe(false); // 94 % good
    expect(qosVerdict(pages(95, 3, 2)).pass).toBe(false); // 98 % tolerable
    expect(qosVerdict([3, 3, 3]).pass).toBe(true); // the thresholds are inclusive
    expect(qosVerdict([]).pass).toBe(false);
  });

  it('slow start: the dynamic page takes one round trip per doubling window from RFC 3390’s 4380 bytes', () => {
    expect(slowStartRounds(INITIAL_WINDOW_BYTES)).toBe(1);
    expect(slowStartRounds(INITIAL_WINDOW_BYTES + 1)).toBe(2);
    expect(slowStartRounds(3 * INITIAL_WINDOW_BYTES)).toBe(2);
    expect(slowStartRounds(20_000)).toBe(3);
  });

  it('a page is its HTML windows, then its images two at a time (two connections), plus the SSL handshake on checkout pages', () => {
    const index = ECOMMERCE_PAGES.find((p) => p.name === 'index')!;
    const ex = pageExchanges(index);
    expect(ex.filter((e) => e.kind === 'html')).toHaveLength(1);
    expect(ex.filter((e) => e.kind === 'html' || e.kind === 'more')).toHaveLength(slowStartRounds(index.htmlBytes));
    expect(ex.filter((e) => e.kind === 'image')).toHaveLength(Math.ceil(index.images / 2));
    const login = pageExchanges(ECOMMERCE_PAGES.find((p) => p.name === 'login')!);
    expect(login[0]!.kind).toBe('ssl');
    const mean = ECOMMERCE_PAGES.reduce((a, p) => a + p.weight * pageExchanges(p).length, 0) / ECOMMERCE_PAGES.reduce((a, p) => a + p.weight, 0);
    expect(mean).toBeGreaterThan(12);
    expect(mean).toBeLessThan(22);
  });
});

describe('specweb2005 workload', () => {
  it('defaults: a 1024 MiB VM for 120 s', () => {
    const p = resolveRunParams('unprotected', 'specweb2005', {});
    expect(p.num('vm.memoryMiB')).toBe(1024);
    expect(p.num('run.durationS')).toBe(120);
  });

  it('the added delay slows every round trip of a page: median latency grows by ≈ mean round trips × delay', () => {
    const a = run({ 'workload.sessions': 40, 'run.durationS': 40 });
    const b = run({ 'workload.sessions': 40, 'run.durationS': 40, 'net.clientLatencyMs': 50 });
    const extra = ((b.metrics.latencyMsP50 as number) - (a.metrics.latencyMsP50 as number)) / 50;
    // the median page has ≈ 15 round trips (workloads/specweb/model.ts)
    expect(extra).toBeGreaterThan(10);
    expect(extra).toBeLessThan(25);
    expect(a.metrics.qosMet).toBe(true);
    expect(a.metrics.score).toBeUndefined();
  });

  it('computes the score from simulated latencies: more CPU per page gives a lower score, and the phases say why', () => {
    const base = run({});
    const slow = run({ 'workload.dynamicCpuMs': 66 });
    expect(slow.metrics.score as number).toBeLessThan((base.metrics.score as number) * 0.75);
    const phases = base.series.phases as Array<Record<string, number | boolean>>;
    expect(phases.length).toBeGreaterThanOrEqual(6);
    const score = base.metrics.score as number;
    // the score lies between the largest passing and the smallest failing count above it
    const passN = Math.max(...phases.filter((p) => p.pass).map((p) => p.sessions as number));
    const failAbove = phases.filter((p) => !p.pass && (p.sessions as number) > passN).map((p) => p.sessions as number);
    expect(score).toBeGreaterThanOrEqual(passN);
    if (failAbove.length > 0) expect(score).toBeLessThan(Math.min(...failAbove));
  });

  it('is deterministic for a seed, and runs in well under a few seconds', () => {
    const t0 = performance.now();
    const a = run({ 'net.clientLatencyMs': 80 });
    const wall = performance.now() - t0;
    const b = run({ 'net.clientLatencyMs': 80 });
    expect(JSON.stringify(a.series)).toBe(JSON.stringify(b.series));
    expect(a.metrics.score).toBe(b.metrics.score);
    expect(wall).toBeLessThan(15_000); // ≈ 0.5 s on an idle core; generous for a loaded CI box
  });

  // C5: Remus fig. 8 — SPECweb2005 score vs extra one-way delay on the server's outbound link.
  // A single run's score varies by about ±15 sessions between seeds (a closed system near worker
  // saturation): at 60 ms seeds 1–3 average 166 (within 175 ± 17.5) and seeds 4–6 average 152
  // (outside). So the test runs exactly the points the report runs — the experiment's own five
  // seeds per delay — and judges each check as the report does: the two pass or fail together.
  it('C5: score 305 / ≈175 / ≈140 / ≈120 / ≈100 / ≈70 at 0 / 60 / 70 / 80 / 90 / 100 ms, on the report’s own seeds', () => {
    const exp = EXPERIMENTS.find((e): e is MeasuredExperiment => e.id === 'specweb-latency' && e.kind === 'measured')!;
    const spec = validateSpec(sweepSpecFor(exp, false));
    const points = expandSpec(spec);
    expect(points).toHaveLength(30);
    const rows: Array<Record<string, ParamValue>> = points.map((p) => ({ ...p.params, score: runScenario(pointRequest(spec, p)).metrics.score as number }));
    const plan = effectivePlan(exp, false);
    for (const check of exp.checks!) {
      const r = evaluateCheck(check, rows, plan);
      expect(r.summary?.n, check.label).toBe(5);
      const scores = rows.filter((row) => row['net.clientLatencyMs'] === check.where!['net.clientLatencyMs']).map((row) => row.score);
      expect(r.status, `${check.label}: simulated ${r.summary?.mean.toFixed(1)} (${scores.join(', ')}) vs published ${String(check.published)} ± ${r.tolerance}`).toBe('within');
    }
  }, 300_000);

});

describe('specweb2005 under Remus: memory dirtied by what it serves (C10)', () => {
  const remus = (rate: number, extra: Record<string, number> = {}) =>
    runScenario({ engine: 'remus', workload: 'specweb2005', params: { 'remus.checkpointsPerS': rate, 'workload.sessions': 200, 'run.durationS': 20, ...extra } }).metrics as Record<string, number>;

  it('each checkpoint sends what the traffic dirtied: at 40/s asked far fewer are achieved, more than at 20/s; without traffic dirtying all 40', () => {
    const at40 = remus(40);
    const at20 = remus(20);
    const bare = remus(40, { 'vm.netPagesPerKiB': 0 });
    expect(at40.achievedCheckpointsPerS).toBeLessThan(30);
    expect(at40.achievedCheckpointsPerS).toBeGreaterThan(at20.achievedCheckpointsPerS!);
    expect(at20.achievedCheckpointsPerS).toBeLessThan(20);
    expect(bare.achievedCheckpointsPerS).toBeGreaterThan(39);
    expect(at40.dirtyPagesPerSMean).toBeGreaterThan(2 * bare.dirtyPagesPerSMean!);
  }, 60_000);
});
