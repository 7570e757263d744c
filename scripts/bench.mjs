// `npm run bench`: every benchmark of docs/design.md#benchmarks into results/bench.json and a table.
// Each module under scripts/bench/ exports an async function returning
// [{ name, value, unit, target, better }] (value null: not measurable here, `note` says why); a
// module that throws is reported, not hidden.
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';

const root = fileURLToPath(new URL('..', import.meta.url));
const modules = [
  ['core.mjs', 'benchCore'],
  ['migration.mjs', 'benchMigration'],
  ['vs-simgrid.mjs', 'benchVsSimgrid'],
  ['remus.mjs', 'benchRemus'],
  ['sweep.mjs', 'benchSweep'],
  ['active.mjs', 'benchActive'],
  ['spare.mjs', 'benchSpare'],
];

const entries = [];
const failures = [];
for (const [file, fn] of modules) {
  const path = join(root, 'scripts', 'bench', file);
  if (!existsSync(path)) {
    failures.push(`${file}: missing`);
    continue;
  }
  try {
    const mod = await import(pathToFileURL(path).href);
    const run = mod[fn];
    if (typeof run !== 'function') throw new Error(`exports no ${fn}()`);
    entries.push(...(await run()));
  } catch (e) {
    failures.push(`${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

const met = (e) => (e.value === null ? null : e.better === 'higher' ? e.value >= e.target : e.value <= e.target);
mkdirSync(join(root, 'results'), { recursive: true });
writeFileSync(join(root, 'results', 'bench.json'), JSON.stringify(entries, null, 2) + '\n');

const fmt = (v) => (Math.abs(v) >= 1e5 ? v.toExponential(3) : Number.isInteger(v) ? String(v) : v.toFixed(3));
const spread = (e) => (Array.isArray(e.spread) ? ` (${fmt(e.spread[0])}–${fmt(e.spread[1])})` : '');
const rows = entries.map((e) => [
  e.name,
  e.value === null ? (e.note ?? 'not measured') : fmt(e.value) + spread(e),
  e.unit,
  `${e.better === 'higher' ? '≥' : '≤'} ${fmt(e.target)}`,
  met(e) === null ? '' : met(e) ? 'ok' : 'MISSED',
]);
const head = ['benchmark', 'measured', 'unit', 'target', ''];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (r) => r.map((c, i) => c.padEnd(widths[i])).join('  ');
console.log(line(head));
for (const r of rows) console.log(line(r));
for (const f of failures) console.log(`not measured: ${f}`);
console.log(`\nwrote results/bench.json (${entries.length} entries)`);
