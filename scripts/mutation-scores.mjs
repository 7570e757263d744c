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
// new tests, often only over the earlier survivors' lines) over files an earlier report holds, and
// every mutant it detected counts as detected — a mutant any test of the project kills is killed.
// Mutants are matched by what they change (mutator, replacement, the code replaced, and which
// occurrence of that in the file), so lines that moved still match; the file's mutants stay the
// earlier report's, and mutants of code changed since (new in the `+` report) are counted on
// stderr, not scored. Its suites are appended.
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readReport } from './stryker-report.mjs';

const args = process.argv.slice(2);
const scopeAt = args.indexOf('--scope');
const scope = scopeAt >= 0 ? args.splice(scopeAt, 2)[1] : undefined;
const named = args.length > 0 ? args : readdirSync('reports/mutation').filter((f) => f.endsWith('.json')).map((f) => join('reports/mutation', f));

const DETECTED = new Set(['Killed', 'Timeout']);
const VALID = new Set(['Killed', 'Timeout', 'Survived', 'NoCoverage']);

/** The text a mutant replaces (Stryker locations: lines from 1, columns from 1). */
function original(lines, loc) {
  if (loc.start.line === loc.end.line) return lines[loc.start.line - 1].slice(loc.start.column - 1, loc.end.column - 1);
  const parts = [lines[loc.start.line - 1].slice(loc.start.column - 1)];
  for (let l = loc.start.line; l < loc.end.line - 1; l++) parts.push(lines[l]);
  parts.push(lines[loc.end.line - 1].slice(0, loc.end.column - 1));
  return parts.join('\n');
}

/** Each mutant's identity in a file, by what it changes: mutator, replacement, code replaced, occurrence. */
function keyed(source, mutants) {
  const lines = source.split('\n');
  const seen = new Map();
  const byPos = [...mutants].sort((a, b) => a.location.start.line - b.location.start.line || a.location.start.column - b.location.start.column || a.location.end.line - b.location.end.line || a.location.end.column - b.location.end.column || (a.mutatorName + (a.replacement ?? '')).localeCompare(b.mutatorName + (b.replacement ?? '')));
  return byPos.map((m) => {
    const base = `${m.mutatorName}\u0000${m.replacement ?? ''}\u0000${original(lines, m.location)}`;
    const k = (seen.get(base) ?? 0) + 1;
    seen.set(base, k);
    return [`${base}\u0000${k}`, m.status];
  });
}

/** file → { status: Map<mutant, status>, suites } from the last report that holds it, or { counts, suites } carried. */
const held = new Map();
for (const arg of named) {
  const adds = arg.startsWith('+');
  const spec = adds ? arg.slice(1) : arg;
  const at = spec.indexOf('@');
  const path = at < 0 ? spec : spec.slice(0, at);
  const suites = at < 0 ? undefined : spec.slice(at + 1);
  const report = readReport(path, 'mutation-scores');
  if (report.files === undefined) {
    // an earlier results/mutation.json: carry its files' counts and suites
    for (const [file, t] of Object.entries(report.mutants ?? {}))
      if (file.endsWith('.ts')) held.set(file, { counts: { detected: t.detected, valid: t.valid }, suites: report.tests?.[file] });
    continue;
  }
  for (const [file, { source, mutants }] of Object.entries(report.files)) {
    const before = held.get(file);
    if (adds) {
      if (before?.status === undefined) {
        console.error(`${path}: ${file} is not held mutant by mutant by an earlier report; its kills are not added`);
        continue;
      }
      let unmatched = 0;
      for (const [k, st] of keyed(source, mutants)) {
        if (!before.status.has(k)) unmatched++;
        else if (DETECTED.has(st)) before.status.set(k, st);
      }
      if (unmatched > 0) console.error(`${path}: ${file}: ${unmatched} mutants of code changed since the earlier report are not scored`);
      if (suites !== undefined) before.suites = before.suites === undefined ? suites : `${before.suites}, ${suites}`;
      continue;
    }
    held.set(file, { status: new Map(keyed(source, mutants)), suites });
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
