import { createRequire } from 'node:module';
import type { TopLevelSpec } from 'vega-lite';
import { renderSvg } from './render.js';
import { columnsOf, type Row } from './rows.js';

/** The part of tslab's public `display` API used here (node_modules/tslab/dist/public.d.ts). */
interface TslabDisplay {
  html(s: string): void;
  svg(s: string): void;
}

let warned = false;

/**
 * tslab's `display`, or undefined outside a notebook. tslab is resolved from this file, which lands
 * on the same module instance the kernel loaded (same node_modules), so its display channel is live.
 * Outside a kernel tslab is absent (it is a devDependency) or throws "Not ready" on use.
 */
function tslabDisplay(): TslabDisplay | undefined {
  try {
    const require = createRequire(import.meta.url);
    return (require('tslab') as { display: TslabDisplay }).display;
  } catch {
    return undefined;
  }
}

/** Send rich output to the notebook; false (with a one-time note on stderr) outside one. */
function emit(kind: 'svg' | 'html', content: string): boolean {
  const display = tslabDisplay();
  try {
    if (display === undefined) throw new Error('tslab not available');
    display[kind](content);
    return true;
  } catch {
    if (!warned) {
      warned = true;
      process.stderr.write('vmft show(): not running in a tslab notebook; use render() or saveFigure()\n');
    }
    return false;
  }
}

/**
 * Display a figure in a tslab notebook cell: `await show(spec)`. Await it — rendering is
 * asynchronous, and output that arrives after the cell finished is lost. Outside a notebook it
 * does nothing (one note on stderr), so shared code can call it from scripts too.
 */
export async function show(spec: TopLevelSpec): Promise<void> {
  emit('svg', await renderSvg(spec));
}

/**
 * Display rows (summaries, a few runs) as an HTML table in a notebook — cheaper and more readable
 * than a DataFrame print. Shows at most `maxRows` rows; numbers get up to 4 significant decimals.
 */
export function showTable(rows: readonly Row[], opts: { maxRows?: number } = {}): void {
  emit('html', tableHtml(rows, opts.maxRows ?? 50));
}

/** The HTML of `showTable` (exported for tests and for reports). */
export function tableHtml(rows: readonly Row[], maxRows = 50): string {
  const cols = columnsOf(rows);
  const head = cols.map((c) => `<th>${escapeHtml(c)}</th>`).join('');
  const body = rows
    .slice(0, maxRows)
    .map((r) => `<tr>${cols.map((c) => `<td>${escapeHtml(formatCell(r[c]))}</td>`).join('')}</tr>`)
    .join('');
  const more = rows.length > maxRows ? `<p>… ${rows.length - maxRows} more rows</p>` : '';
  return `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>${more}`;
}

function formatCell(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6)));
  return String(v);
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[ch] ?? ch);
}
