import type { RunResult } from '../scenario/index.js';

/** A plain two-column table, for terminals. */
export function table(rows: ReadonlyArray<readonly [string, string]>, title?: string): string {
  const w = Math.max(0, ...rows.map((r) => r[0].length));
  const lines = rows.map(([k, v]) => `  ${k.padEnd(w)}  ${v}`);
  return (title !== undefined ? [title, ...lines] : lines).join('\n');
}

export function formatValue(v: unknown): string {
  if (typeof v === 'number') {
    if (Number.isInteger(v)) return String(v);
    const a = Math.abs(v);
    return a !== 0 && (a < 1e-3 || a >= 1e7) ? v.toExponential(3) : v.toFixed(a < 10 ? 3 : a < 1000 ? 2 : 1);
  }
  return String(v);
}

/** The readable form of `vmft run` (without --json). */
export function formatRun(r: RunResult): string {
  const parts = [
    `vmft run ${r.engine} --workload ${r.workload} --seed ${r.seed}   (model ${r.modelVersion})`,
    '',
    table(Object.entries(r.metrics).map(([k, v]) => [k, formatValue(v)] as const), 'metrics'),
  ];
  const inv = Object.entries(r.invariants);
  if (inv.length > 0) parts.push('', table(inv.map(([k, v]) => [k, v ? 'holds' : 'VIOLATED'] as const), 'invariants'));
  const series = Object.entries(r.series).filter(([, v]) => v.length > 0);
  if (series.length > 0) parts.push('', table(series.map(([k, v]) => [k, `${v.length} records (see --json)`] as const), 'series'));
  return parts.join('\n');
}
