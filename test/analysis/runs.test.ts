import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRuns, parseRuns, readRuns, runsPath } from '../../lib/analysis/index.js';

function store(lines: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'vmft-store-'));
  writeFileSync(join(dir, 'runs.jsonl'), lines);
  return dir;
}

const line = (o: object) => JSON.stringify(o) + '\n';
const ok1 = { id: 'a', index: 0, replicate: 0, seed: 1, status: 'ok', 'link.bandwidthMbps': 100, downtimeMs: 61.5, 'inv.memoryConsistent': true };
const ok2 = { id: 'b', index: 1, replicate: 0, seed: 2, status: 'ok', 'link.bandwidthMbps': 1000, downtimeMs: 12, 'inv.memoryConsistent': true };
const err = { id: 'c', index: 2, replicate: 0, seed: 3, status: 'error', error: 'boom', 'link.bandwidthMbps': 10 };

describe('readRuns(storeDir)', () => {
  it('reads every complete line and skips a torn last line', () => {
    const dir = store(line(ok1) + line(ok2) + line(err) + '{"id":"d","index":3,"sta');
    const rows = readRuns(dir);
    expect(rows.map((r) => r.id)).toEqual(['a', 'b', 'c']);
    expect(rows[0]!['link.bandwidthMbps']).toBe(100);
  });

  it('throws with the line number on a corrupt line that is not the last', () => {
    const dir = store(line(ok1) + '{"torn\n' + line(ok2));
    expect(() => readRuns(dir)).toThrow(/runs\.jsonl:2/);
  });

  it('keeps the last row of a rerun id, in the place of the first', () => {
    const rows = parseRuns(line(ok1) + line(ok2) + line({ ...ok1, downtimeMs: 70 }));
    expect(rows.map((r) => [r.id, r.downtimeMs])).toEqual([['a', 70], ['b', 12]]);
  });

  it('accepts an empty store and a direct path to the .jsonl', () => {
    expect(readRuns(store(''))).toEqual([]);
    const dir = store(line(ok1));
    expect(runsPath(dir)).toBe(join(dir, 'runs.jsonl'));
    expect(readRuns(join(dir, 'runs.jsonl'))).toHaveLength(1);
  });
});

describe('loadRuns(storeDir)', () => {
  it('returns a DataFrame with one row per run and the union of columns', async () => {
    const dir = store(line(ok1) + line(ok2) + line(err) + '{"torn');
    const df = await loadRuns(dir);
    expect(df.shape).toEqual([3, 9]);
    expect(df.columns).toContain('inv.memoryConsistent');
    expect(df.columns).toContain('error');
    expect(df.column('downtimeMs').values).toEqual([61.5, 12, null]);
  }, 30_000);
});
