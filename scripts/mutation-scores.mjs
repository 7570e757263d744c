// Writes results/mutation.json — { date, scope, scores: { folder or file: % }, mutants, tests } — from
// StrykerJS's JSON reports (written by `npm run mutate`). The score is Stryker's: mutants detected
// (killed or timed out) ÷ valid mutants (detected + survived + no coverage). Scores are given for every
// folder that holds a mutated file, for each of its parents up to lib/<layer>, and for each file.
//
//   node scripts/mutation-scores.mjs [report.json[@suites] …] [--scope "what was mutated, how"]
//
// A report may be followed by `@` and the comma-separated suites it ran (VMFT_MUTATE_TESTS); they are
// recorded per file under `tests`. When several reports hold the same file, the last one named wins,
// so a file re-measured after new tests replaces its older result instead of being counted twice.
// An earlier results/mutation.json may be named too (before the reports): its per-file counts and
// suites are carried over for the files no report named after it holds.
//
// A report named with a leading `+` adds kills instead of replacing: it ran more suites (often only
// new tests) over files an earlier report holds, and every mutant it detected counts as detected —
// a mutant any test of the project kills is killed. It applies only where the file's source is the
// one the earlier report mutated (otherwise the mutants are not the same); its suites are appended.
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

const args = process.argv.slice(2);
const scopeAt = args.indexOf('--scope');
const scope = scopeAt >= 0 ? args.splice(scopeAt, 2)[1] : undefined;
const named = args.length > 0 ? args : readdirSync('reports/mutation').filter((f) => f.endsWith('.json')).map((f) => join('reports/mutation', f));

const DETECTED = new Set(['Killed', 'Timeout']);
const VALID = new Set(['Killed', 'Timeout', 'Survived', 'NoCoverage']);

/** A mutant's identity within one version of a file. */
const keyOf = (m) => `${m.location.start.line}:${m.location.start.column}-${m.location.end.line}:${m.location.end.column} ${m.mutatorName} ${m.replacement ?? ''}`;

/** file → { source, status: Map<mutant, status>, suites } from the last report that holds it, or carried counts. */
const held = new Map();
for (const arg of named) {
  const adds = arg.startsWith('+');
  const spec = adds ? arg.slice(1) : arg;
  const at = spec.indexOf('@');
  const path = at < 0 ? spec : spec.slice(0, at);
  const suites = at < 0 ? undefined : spec.slice(at + 1);
  const report = JSON.parse(readFileSync(path, 'utf8'));
  if (report.files === undefined) {
    // an earlier results/mutation.json: carry its files' counts and suites
    for (const [file, t] of Object.entries(report.mutants ?? {}))
      if (file.endsWith('.ts')) held.set(file, { counts: { detected: t.detected, valid: t.valid }, suites: report.tests?.[file] });
    continue;
  }
  for (const [file, { source, mutants }] of Object.entries(report.files)) {
    const before = held.get(file);
    if (adds) {
      if (before?.status === undefined || before.source !== source) {
        console.error(`${path}: ${file} is not held at the same source by an earlier report; its kills are not added`);
        continue;
      }
      for (const m of mutants) if (DETECTED.has(m.status) && before.status.has(keyOf(m))) before.status.set(keyOf(m), m.status);
      if (suites !== undefined) before.suites = before.suites === undefined ? suites : `${before.suites}, ${suites}`;
      continue;
    }
    held.set(file, { source, status: new Map(mutants.map((m) => [keyOf(m), m.status])), suites });
  }
}

/** file → { detected, valid, suites }. */
const perFile = new Map();
for (const [file, h] of held) {
  if (h.counts !== undefined) {
    perFile.set(file, { ...h.counts, suites: h.suites });
    continue;
  }
  let detected = 0;
  let valid = 0;
  for (const st of h.status.values()) {
    if (DETECTED.has(st)) detected++;
    if (VALID.has(st)) valid++;
  }
  perFile.set(file, { detected, valid, suites: h.suites });
}

/** lib/engines/remus/x.ts → ['lib/engines/remus', 'lib/engines'] (stops at lib/<layer>). */
const folders = (file) => {
  const out = [];
  for (let d = dirname(file); d.split('/').length >= 2; d = dirname(d)) out.push(d);
  return out;
};

const tally = new Map();
const add = (key, t) => {
  const s = tally.get(key) ?? { detected: 0, valid: 0 };
  s.detected += t.detected;
  s.valid += t.valid;
  tally.set(key, s);
};
for (const [file, t] of perFile) {
  for (const f of folders(file)) add(f, t);
  add(file, t);
}

const scores = {};
const mutants = {};
for (const [key, t] of [...tally].sort(([a], [b]) => a.localeCompare(b))) {
  scores[key] = t.valid === 0 ? null : Math.round((1000 * t.detected) / t.valid) / 10;
  mutants[key] = t;
}
const tests = {};
for (const [file, t] of [...perFile].sort(([a], [b]) => a.localeCompare(b))) if (t.suites !== undefined) tests[file] = t.suites;

const out = {
  date: new Date().toISOString().slice(0, 10),
  ...(scope === undefined ? {} : { scope }),
  scores,
  mutants,
  ...(Object.keys(tests).length > 0 ? { tests } : {}),
};
const prev = existsSync('results/mutation.json') ? readFileSync('results/mutation.json', 'utf8') : '';
writeFileSync('results/mutation.json', JSON.stringify(out, null, 2) + '\n');
const top = Object.fromEntries(Object.entries(scores).filter(([k]) => k.split('/').length === 2));
console.log(prev === '' ? 'wrote results/mutation.json' : 'updated results/mutation.json', JSON.stringify(top));
