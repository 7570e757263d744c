import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ciLineChart, render, roundsChart, saveFigure } from '../../lib/analysis/index.js';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const spec = ciLineChart(
  [
    { 'remus.checkpointsPerS': 10, mean: 20, ci95Low: 18, ci95High: 22 },
    { 'remus.checkpointsPerS': 40, mean: 100, ci95Low: 90, ci95High: 110 },
  ],
  { x: 'remus.checkpointsPerS', xTitle: 'checkpoints per second', yTitle: 'overhead (%)' },
);

describe('render(spec, {format})', () => {
  it("gives SVG text with the axis titles for format 'svg' (the default)", async () => {
    const svg = await render(spec);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('checkpoints per second');
    expect(svg).toContain('overhead (%)');
    expect(await render(spec, { format: 'svg' })).toBe(svg);
  }, 30_000);

  it("gives PNG bytes for format 'png'", async () => {
    const png = await render(roundsChart([{ round: 1, sentMiB: 56.3 }]), { format: 'png', scale: 1 });
    expect(Buffer.isBuffer(png)).toBe(true);
    expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect(png.length).toBeGreaterThan(1000);
  }, 30_000);
});

describe('saveFigure(spec, pathWithoutExt)', () => {
  it('writes <path>.svg and <path>.png, creating folders', async () => {
    const base = join(mkdtempSync(join(tmpdir(), 'vmft-fig-')), 'sub', 'fig');
    const paths = await saveFigure(spec, base);
    expect(paths).toEqual({ svg: `${base}.svg`, png: `${base}.png` });
    expect(readFileSync(paths.svg, 'utf8')).toContain('<svg');
    expect(readFileSync(paths.png).subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  }, 30_000);
});
