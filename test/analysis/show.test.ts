import { describe, expect, it, vi } from 'vitest';
import { roundsChart, show, showTable, tableHtml } from '../../lib/analysis/index.js';

describe('show(spec)', () => {
  it('does not throw outside a notebook (notes it once on stderr)', async () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    await expect(show(roundsChart([{ round: 1, sentMiB: 1 }]))).resolves.toBeUndefined();
    showTable([{ a: 1 }]);
    expect(write.mock.calls.filter((c) => String(c[0]).includes('tslab')).length).toBe(1);
    write.mockRestore();
  }, 30_000);
});

describe('tableHtml(rows, maxRows)', () => {
  it('renders a header from all columns, escapes HTML and truncates', () => {
    const html = tableHtml([{ a: 1.23456789, b: '<x>' }, { c: true }, { a: 3 }], 2);
    expect(html).toContain('<th>a</th><th>b</th><th>c</th>');
    expect(html).toContain('<td>1.23457</td><td>&lt;x&gt;</td><td></td>');
    expect(html).toContain('1 more rows');
  });
});
