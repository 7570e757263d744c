import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { main } from '../../lib/cli/main.js';
import { InputError } from '../../lib/params/index.js';
import { runScenario } from '../../lib/scenario/index.js';
import { loadTrace, parseTraceCsv, traceMemoryMiB } from '../../workloads/presets/trace.js';

const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/traces/${name}`, import.meta.url));

function inputError(fn: () => unknown): InputError {
  try {
    fn();
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('expected an InputError');
}

describe('trace: parsing', () => {
  it('reads CSV with a header, comments and several pages per line', () => {
    const t = loadTrace(fixture('good.csv'));
    expect(Array.from(t.timesNs)).toEqual([0, 0.5e9, 1e9, 2.5e9]);
    expect(Array.from(t.pages)).toEqual([1, 2, 3, 4, 2, 1000]);
    expect(t.maxPage).toBe(1000);
    expect(t.lengthNs).toBe(2.5e9);
  });

  it('reads the same trace from JSON ("pages" lists or a single "page")', () => {
    const a = loadTrace(fixture('good.csv'));
    const b = loadTrace(fixture('good.json'));
    expect(Array.from(b.timesNs)).toEqual(Array.from(a.timesNs));
    expect(Array.from(b.pages)).toEqual(Array.from(a.pages));
  });

  it('rejects a bad page number with the CSV line number', () => {
    expect(inputError(() => loadTrace(fixture('bad-page.csv'))).message).toMatch(/bad-page\.csv line 4: page "x"/);
  });

  it('rejects time going backwards with the line number', () => {
    expect(inputError(() => loadTrace(fixture('backwards.csv'))).message).toMatch(/line 3: time 1 s goes backwards/);
  });

  it('rejects malformed JSON with the line of the syntax error', () => {
    expect(inputError(() => loadTrace(fixture('bad-syntax.json'))).message).toMatch(/bad-syntax\.json line 4: malformed JSON/);
  });

  it('rejects a bad JSON entry with the line the entry starts on', () => {
    expect(inputError(() => loadTrace(fixture('bad-entry.json'))).message).toMatch(/bad-entry\.json line 3: page -2/);
  });

  it('rejects an empty trace, a line without pages and a missing file', () => {
    expect(() => parseTraceCsv('timeS,page\n')).toThrow(/no entries/);
    expect(() => parseTraceCsv('0,1\n1\n')).toThrow(/line 2: no page numbers/);
    expect(inputError(() => loadTrace('/nonexistent/trace.csv')).field).toBe('workload.traceFile');
  });

  it('computes the VM size that holds the trace', () => {
    expect(traceMemoryMiB(loadTrace(fixture('good.csv')))).toBe(4); // page 1000 → 1001 pages of 4 KiB
  });
});

describe('trace: replay', () => {
  const run = (params: Record<string, string | number>) => runScenario({ engine: 'unprotected', workload: 'trace', params: { 'run.sampleMs': 500, ...params } });

  it('writes every page of the trace at its time and ends when the trace does', () => {
    const r = run({ 'workload.traceFile': fixture('good.csv'), 'vm.memoryMiB': 4 });
    expect(r.metrics.completed).toBe(true);
    expect(r.metrics.completionTimeS).toBeCloseTo(2.5, 6);
    expect(r.metrics.tracePageWrites).toBe(6);
    // windows of 0.5 s ending at 0.5, 1.0, 1.5, 2.0: {1 at 0; 2,3,4 at 0.5}, {2 at 1.0}, {}, {}; the run
    // ends at 2.5 s with the last event, before a window closes there
    expect((r.series.dirty as Array<Record<string, number>>).map((d) => d.dirtyPages)).toEqual([4, 1, 0, 0]);
  });

  it('is bad input without a file, or with a VM smaller than the trace (naming the size needed)', () => {
    expect(() => run({})).toThrow(/workload\.traceFile: the trace workload needs a trace file/);
    expect(() => run({ 'workload.traceFile': fixture('good.csv'), 'vm.memoryMiB': 2 })).toThrow(/vm\.memoryMiB: .*page 1000.*allowed: ≥ 4/);
  });

  it('the CLI exits 2 on a malformed trace, naming the line', async () => {
    const errors: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
      errors.push(String(s));
      return true;
    });
    try {
      const code = await main(['run', 'unprotected', '--workload', 'trace', '--set', `workload.traceFile=${fixture('bad-page.csv')}`]);
      expect(code).toBe(2);
    } finally {
      spy.mockRestore();
    }
    expect(errors.join('')).toMatch(/line 4/);
  });
});

describe('trace sizes the VM from the trace', () => {
  it('defaults vm.memoryMiB to the smallest VM holding the trace’s largest page', () => {
    const r = runScenario({ engine: 'unprotected', workload: 'trace', params: { 'workload.traceFile': fixture('good.csv') } });
    expect(r.params['vm.memoryMiB']).toBe(4); // page 1000 of 4 KiB pages → 3.9 MiB → 4
    expect(r.metrics.completed).toBe(true);
  });
});
