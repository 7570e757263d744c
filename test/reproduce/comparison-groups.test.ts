import { describe, expect, it } from 'vitest';
import { metricGroups } from '../../lib/reproduce/evaluate.js';
import { protectionsKvstore } from '../../lib/reproduce/experiments/protections.js';

describe('metricGroups(exp, rows, grid) with the engine as a dimension', () => {
  it('groups one line per protection: a Remus key splits Remus only', () => {
    const rows = [
      { engine: 'unprotected', cpuSeconds: 1 },
      { engine: 'remus', 'remus.netBuffering': true, cpuSeconds: 2 },
      { engine: 'remus', 'remus.netBuffering': false, cpuSeconds: 3 },
      { engine: 'remus', 'remus.netBuffering': false, cpuSeconds: 5 },
    ];
    const exp = { ...protectionsKvstore, show: [{ metric: 'cpuSeconds', label: 'CPU', unit: 's' }] };
    const groups = metricGroups(exp, rows, { engine: ['unprotected', 'remus'], 'remus.netBuffering': [true, false] });
    expect(groups.map((g) => [g.key, g.summary.n, g.summary.mean])).toEqual([
      [{ engine: 'unprotected' }, 1, 1],
      [{ engine: 'remus', 'remus.netBuffering': true }, 1, 2],
      [{ engine: 'remus', 'remus.netBuffering': false }, 2, 4],
    ]);
  });
});
