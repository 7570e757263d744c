import { describe, expect, it } from 'vitest';
import { summarizeBy } from '../../lib/analysis/index.js';
import { summarize } from '../../lib/metrics/index.js';

describe('summarizeBy(rows, groupKeys, metric)', () => {
  const rows = [
    { 'remus.epochMs': 50, workload: 'kvstore', overheadPct: 10, completed: true },
    { 'remus.epochMs': 25, workload: 'kvstore', overheadPct: 30, completed: true },
    { 'remus.epochMs': 50, workload: 'kvstore', overheadPct: 14, completed: false },
    { 'remus.epochMs': 25, workload: 'kvstore', overheadPct: 34, completed: true },
    { 'remus.epochMs': 25, workload: 'idle', overheadPct: 1, completed: true },
    { 'remus.epochMs': 25, workload: 'kvstore', status: 'error', error: 'boom' },
  ];

  it('groups by one key, sorted numerically, and summarizes each group with lib/metrics', () => {
    const out = summarizeBy(rows, 'remus.epochMs', 'overheadPct');
    expect(out.map((r) => r['remus.epochMs'])).toEqual([25, 50]);
    expect(out[0]).toEqual({ 'remus.epochMs': 25, metric: 'overheadPct', ...summarize([30, 34, 1]) });
    // Hand-computed: [10, 14] → mean 12, sd √8, half-width 12.7062·√8/√2 = 25.4124.
    expect(out[1]!.mean).toBe(12);
    expect(out[1]!.n).toBe(2);
    expect(out[1]!.ci95High).toBeCloseTo(12 + 25.412409, 5);
  });

  it('groups by several keys and leaves error rows out of n', () => {
    const out = summarizeBy(rows, ['workload', 'remus.epochMs'], 'overheadPct');
    expect(out.map((r) => [r.workload, r['remus.epochMs'], r.n])).toEqual([
      ['idle', 25, 1],
      ['kvstore', 25, 2],
      ['kvstore', 50, 2],
    ]);
  });

  it('counts booleans as 0/1 and reports groups without values as n = 0', () => {
    const done = summarizeBy(rows, 'remus.epochMs', 'completed');
    expect(done[1]!.mean).toBe(0.5);
    const none = summarizeBy(rows, 'workload', 'missingMetric');
    expect(none.every((r) => r.n === 0 && Number.isNaN(r.mean))).toBe(true);
  });

  it('treats a missing key as null and sorts it last', () => {
    const out = summarizeBy([{ x: 1 }, { k: 'a', x: 2 }], 'k', 'x');
    expect(out.map((r) => r.k)).toEqual(['a', null]);
  });
});
