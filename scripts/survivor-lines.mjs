// Prints, for `npx stryker run --mutate`, the lines of the mutants a Stryker JSON report left alive
// (survived or not covered) in each named file, as ranges `file:from-to` — so that new tests can be
// run against those mutants only, and the result added with `node scripts/mutation-scores.mjs
// … +report.json`. Lines are mapped to the file as it is now by a line diff; lines changed since the
// report are included whole. A file the report does not hold is named whole.
//
//   node scripts/survivor-lines.mjs <report.json> <file>…
import { readFileSync } from 'node:fs';
import { readReport } from './stryker-report.mjs';

const [reportPath, ...files] = process.argv.slice(2);
if (reportPath === undefined || files.length === 0) {
  console.error('usage: node scripts/survivor-lines.mjs <report.json> <file>…');
  process.exit(2);
}
const report = readReport(reportPath, 'survivor-lines');

/** Old line (from 1) → its line now, for the lines kept (a longest common subsequence), and the lines added. */
function lineMap(a, b) {
  const L = Array.from({ length: a.length + 1 }, () => new Int32Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i--) for (let j = b.length - 1; j >= 0; j--) L[i][j] = a[i] === b[j] ? L[i + 1][j + 1] + 1 : Math.max(L[i + 1][j], L[i][j + 1]);
  const map = new Map();
  const added = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) map.set(++i, ++j);
    else if (L[i + 1][j] >= L[i][j + 1]) i++;
    else added.push(++j);
  }
  while (j < b.length) added.push(++j);
  return { map, added };
}

const specs = [];
for (const file of files) {
  const entry = report.files?.[file];
  if (entry === undefined) {
    specs.push(file);
    continue;
  }
  let now;
  try {
    now = readFileSync(file, 'utf8');
  } catch (e) {
    console.error(`survivor-lines: cannot read ${file}: ${e.message}`);
    process.exit(2);
  }
  const { map, added } = lineMap(entry.source.split('\n'), now.split('\n'));
  const lines = new Set(added);
  for (const m of entry.mutants)
    if (m.status === 'Survived' || m.status === 'NoCoverage')
      for (let l = m.location.start.line; l <= m.location.end.line; l++) if (map.has(l)) lines.add(map.get(l));
  const sorted = [...lines].sort((x, y) => x - y);
  for (let k = 0; k < sorted.length; ) {
    let e = k;
    while (e + 1 < sorted.length && sorted[e + 1] === sorted[e] + 1) e++;
    specs.push(`${file}:${sorted[k]}-${sorted[e]}`);
    k = e + 1;
  }
}
console.log(specs.join(','));
