import { describe, expect, it } from 'vitest';
import { Recorder, quantile, summarize } from '../../lib/metrics/index.js';

describe('Recorder', () => {
  it('push(value) grows past its initial capacity and keeps count, min, max, mean', () => {
    const r = new Recorder(2);
    for (let i = 1; i <= 1000; i++) r.push(i);
    expect(r.count).toBe(1000);
    expect(r.min).toBe(1);
    expect(r.max).toBe(1000);
    expect(r.mean).toBe(500.5);
  });

  it('quantile(p) is the exact type-7 quantile, also after more pushes', () => {
    const r = new Recorder();
    const xs = [5, 1, 9, 3, 7];
    xs.forEach((x) => r.push(x));
    expect(r.quantile(0.5)).toBe(5);
    r.push(100);
    expect(r.quantile(0.99)).toBe(quantile([...xs, 100], 0.99));
    expect(Array.from(r.values())).toEqual([...xs, 100]);
    expect(Array.from(r.sortedValues())).toEqual([1, 3, 5, 7, 9, 100]);
  });

  it('summary() agrees with summarize()', () => {
    const r = new Recorder();
    const xs = [0.5, 2, 2.5, 9, 4];
    xs.forEach((x) => r.push(x));
    expect(r.summary()).toEqual(summarize(xs));
  });

  it('is empty-safe, rejects NaN and can be cleared', () => {
    const r = new Recorder();
    expect(r.quantile(0.5)).toBeNaN();
    expect(r.mean).toBeNaN();
    expect(() => r.push(Number.NaN)).toThrow(RangeError);
    r.push(1);
    r.clear();
    expect(r.count).toBe(0);
    expect(r.min).toBeNaN();
  });
});
