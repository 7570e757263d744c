// Writes results/mutation.json — { date, scope, scores: { folder: % } } — from StrykerJS's JSON
// report (reports/mutation/*.json, written by `npm run mutate`). The score is Stryker's: mutants
// detected (killed or timed out) ÷ valid mutants (detected + survived + no coverage), per folder of
// the files mutated.
//   node scripts/mutation-scores.mjs [report.json …] [--scope "what was mutated, against which tests"]
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

const args = process.argv.slice(2);
const scopeAt = args.indexOf('--scope');
const scope = scopeAt >= 0 ? args.splice(scopeAt, 2)[1] : undefined;
const reports = args.length > 0 ? args : readdirSync('reports/mutation').filter((f) => f.endsWith('.json')).map((f) => join('reports/mutation', f));
const tally = new Map();
for (const r of reports) {
  const report = JSON.parse(readFileSync(r, 'utf8'));
  for (const [file, { mutants }] of Object.entries(report.files)) {
    const folder = dirname(file);
    const t = tally.get(folder) ?? { detected: 0, valid: 0 };
    for (const m of mutants) {
      if (m.status === 'Killed' || m.status === 'Timeout') t.detected++;
      if (['Killed', 'Timeout', 'Survived', 'NoCoverage'].includes(m.status)) t.valid++;
    }
    tally.set(folder, t);
  }
}
const scores = {};
const mutants = {};
for (const [folder, t] of [...tally].sort()) {
  scores[folder] = t.valid === 0 ? null : Math.round((1000 * t.detected) / t.valid) / 10;
  mutants[folder] = t;
}
const out = { date: new Date().toISOString().slice(0, 10), ...(scope === undefined ? {} : { scope }), scores, mutants };
const prev = existsSync('results/mutation.json') ? readFileSync('results/mutation.json', 'utf8') : '';
writeFileSync('results/mutation.json', JSON.stringify(out, null, 2) + '\n');
console.log(prev === '' ? 'wrote results/mutation.json' : 'updated results/mutation.json', JSON.stringify(scores));
