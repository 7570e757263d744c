import { describe, expect, it } from 'vitest';
import { rowsToDataFrame, summarizeBy } from '../../lib/analysis/index.js';

describe('rowsToDataFrame(rows)', () => {
  it('makes ragged rows rectangular (missing cells → null)', async () => {
    const df = await rowsToDataFrame([{ a: 1, b: 'x' }, { a: 2, c: true }]);
    expect(df.columns).toEqual(['a', 'b', 'c']);
    expect(df.shape).toEqual([2, 3]);
    expect(df.column('b').values).toEqual(['x', null]);
  }, 30_000);

  it('builds an empty frame from no rows', async () => {
    expect((await rowsToDataFrame([])).shape).toEqual([0, 0]);
  });
});

describe('rowsToDataFrame(summaryRows)', () => {
  it('turns summarizeBy output into a DataFrame', async () => {
    const s = summarizeBy([{ k: 1, m: 2 }, { k: 1, m: 4 }, { k: 2, m: 5 }], 'k', 'm');
    const df = await rowsToDataFrame(s);
    expect(df.columns).toEqual(['k', 'metric', 'n', 'mean', 'median', 'p95', 'sd', 'ci95Low', 'ci95High']);
    expect(df.column('mean').values).toEqual([3, 5]);
  });
});
