import type { Summary } from '../metrics/index.js';
import type { ParamValue } from '../params/index.js';
import type { Published } from './types.js';

/** A number for a table: about three significant digits, never exponent notation for ordinary sizes. */
export function fmt(x: number): string {
  if (!Number.isFinite(x)) return '—';
  const a = Math.abs(x);
  if (a === 0) return '0';
  if (Number.isInteger(x)) return String(x);
  if (a >= 100) return x.toFixed(0);
  if (a >= 10) return x.toFixed(1);
  if (a >= 1) return x.toFixed(2);
  return x.toPrecision(2);
}

export function withUnit(text: string, unit: string): string {
  return unit === '' ? text : unit.startsWith(':') || unit.startsWith('/') || unit === '%' ? `${text}${unit === '%' ? ' %' : unit}` : `${text} ${unit}`;
}

/** `87.2 MiB [86.1, 88.3], n = 5`; one replicate has no interval and says so. */
export function fmtSummary(s: Summary, unit: string): string {
  if (s.n === 0) return '—';
  if (s.n === 1) return `${withUnit(fmt(s.mean), unit)} (n = 1, no CI)`;
  return `${withUnit(fmt(s.mean), unit)} [${fmt(s.ci95Low)}, ${fmt(s.ci95High)}], n = ${s.n}`;
}

/** A boolean column's summary: the share of runs where it held. */
export function fmtFraction(s: Summary): string {
  if (s.n === 0) return '—';
  return `held in ${Math.round(s.mean * s.n)} of ${s.n} runs`;
}

export function fmtPublished(p: Published, unit: string): string {
  // Published values are printed as docs/design.md#calibration writes them, not rounded.
  return withUnit(typeof p === 'number' ? String(p) : `${p[0]}–${p[1]}`, unit);
}

export function fmtValue(v: ParamValue | null): string {
  return v === null ? '—' : typeof v === 'string' ? v : String(v);
}

export function fmtParams(p: Readonly<Record<string, ParamValue | null>>): string {
  const keys = Object.keys(p).sort();
  return keys.length === 0 ? '—' : keys.map((k) => `${k} = ${fmtValue(p[k]!)}`).join(', ');
}

/** A markdown table cell: pipes escaped, line breaks as <br>. */
export function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.map(cell).join(' | ')} |`;
  return [line(header), `|${header.map(() => '---').join('|')}|`, ...rows.map(line)].join('\n') + '\n';
}
