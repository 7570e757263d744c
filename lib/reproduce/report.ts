/**
 * REPORT.md from experiment outcomes: a pure function of its input, so the report is byte-identical
 * whenever the model and the seeds are (no wall times, no date unless one is passed in).
 */
import { cell, fmt, fmtFraction, withUnit, fmtParams, fmtPublished, fmtSummary, fmtValue, table } from './format.js';
import { describeTolerance, isWithin, ratioOf } from './tolerance.js';
import { BOOTSTRAP_RESAMPLES, type Summary } from '../metrics/index.js';
import { effectivePlan } from './plan.js';
import type { CheckResult, ConfigurationExperiment, Experiment, ExperimentOutcome, FixedCost, MeasuredExperiment, ReportEntry, ReportInput } from './types.js';

/** The line the model version is written on; `reportModelVersion` reads it back. */
const VERSION_LINE = (v: string, toolkit: string): string => `- Model version: **${v}** (vmft ${toolkit})`;

/** The model version a report names, or undefined when it names none. */
export function reportModelVersion(markdown: string): string | undefined {
  return /^- Model version: \*\*([^*]+)\*\*/m.exec(markdown)?.[1];
}

export type RowVerdict = 'within' | 'flagged' | 'not-run' | 'not-in-run';

/** A calibration row's verdict: flagged when any check is outside or has no value. */
export function verdict(outcome: ExperimentOutcome): RowVerdict {
  if (outcome.kind === 'not-run') return 'not-run';
  if (outcome.kind === 'configuration') return outcome.mismatches.length === 0 ? 'within' : 'flagged';
  const judged = outcome.checks.filter((c) => c.status !== 'skipped');
  if (judged.length === 0) return 'not-in-run';
  return judged.every((c) => c.status === 'within') ? 'within' : 'flagged';
}

const VERDICT_TEXT: Record<RowVerdict, string> = {
  within: 'yes',
  flagged: '**no** ⚠',
  'not-run': 'not run',
  'not-in-run': '— (not in this run)',
};

/** The default explanation of a flagged row: it is outside, and where to read more. */
export function defaultExplanation(exp: Experiment): string {
  const engine = exp.kind === 'measured' ? (exp.sweep.engine ?? 'compare') : 'remus';
  // The baseline engine adds nothing to calibrate: its rows depend on the workload preset alone.
  const doc = engine === 'unprotected' ? 'docs/workloads.md' : `docs/${engine}.md`;
  return `Outside its tolerance, and no explanation has been recorded yet: see ${doc} and the calibration rows of docs/design.md#calibration. (The experiment definition in lib/reproduce/experiments carries an \`explanation\` field for this.)`;
}

/** A summary, its interval named when it is a bootstrap rather than Student t. */
function fmtInterval(summary: Summary, unit: string, bootstrap: number | undefined): string {
  return fmtSummary(summary, unit) + (bootstrap === undefined ? '' : ' (bootstrap)');
}

function checkSimulated(c: CheckResult): string {
  if (c.status === 'skipped') return `— (${c.note ?? 'not in this run'})`;
  if (c.summary === undefined) return `no value: ${c.note ?? 'not measured'}`;
  return fmtInterval(c.summary, c.check.unit, c.bootstrap);
}

function checkRatio(c: CheckResult): string {
  if (c.summary === undefined) return '—';
  const r = ratioOf(c.summary.mean, c.check.published);
  return r === undefined ? '—' : r.toFixed(2);
}

/** Within only because of the full-scale floor: the stated percentage alone would not cover it. */
function onlyViaFloor(c: CheckResult): boolean {
  const t = c.check.tolerance;
  if (c.status !== 'within' || c.summary === undefined || t.fullScale === undefined) return false;
  const byPct = Math.max(((t.pct ?? 0) / 100) * Math.abs(centreOf(c.check.published)), t.abs ?? 0);
  return !isWithin(c.summary.mean, c.check.published, byPct);
}

function centreOf(p: CheckResult['check']['published']): number {
  return typeof p === 'number' ? p : (p[0] + p[1]) / 2;
}

/** Within only because a published range was widened by the tolerance: the mean lies outside the range itself. */
function onlyViaWidenedBand(c: CheckResult): boolean {
  const p = c.check.published;
  if (c.status !== 'within' || c.summary === undefined || typeof p === 'number') return false;
  return c.summary.mean < p[0] || c.summary.mean > p[1];
}

/** `<label>: yes|no (notes)` — every check of every row, flagged or not. */
export function checkLine(c: CheckResult): string {
  const base = { within: 'yes', outside: 'no', 'no-value': 'no', skipped: '—' }[c.status];
  const notes: string[] = [];
  if (c.status === 'no-value') notes.push('no value');
  if (c.status === 'skipped') notes.push(c.note ?? 'not in this run');
  if (c.check.fitted !== undefined && c.status !== 'skipped') notes.push('fitted input');
  if (onlyViaFloor(c)) notes.push('only via the full-scale floor');
  if (onlyViaWidenedBand(c)) notes.push('outside the published range: only via the widened band');
  return `${c.check.label}: ${base}${notes.length === 0 ? '' : ` (${notes.join('; ')})`}`;
}

/** The checks of a row that were judged in this run (not skipped). */
function judgedChecks(entry: ReportEntry): readonly CheckResult[] {
  return entry.outcome.kind === 'ran' ? entry.outcome.checks.filter((c) => c.status !== 'skipped') : [];
}

/** Every judged check of the row reads back a fitted input (nothing predicted). */
function allFitted(entry: ReportEntry): boolean {
  const judged = judgedChecks(entry);
  return judged.length > 0 && judged.every((c) => c.check.fitted !== undefined);
}

function fittedNotes(entries: readonly ReportEntry[]): string {
  const lines: string[] = [];
  for (const e of entries) {
    if (e.outcome.kind !== 'ran') continue;
    for (const c of e.outcome.checks) if (c.check.fitted !== undefined) lines.push(`- ${e.experiment.calibration} ${c.check.label}: ${c.check.fitted}`);
  }
  return lines.length === 0
    ? ''
    : `Checks marked *fitted input* read back a model constant that was set from (or fitted to) that very published value; they confirm the engine reproduces its input, not that the model predicts it. Checks without the mark are predictions. *Only via the full-scale floor*: the stated percentage alone would not cover the mean, 5 % of the figure’s full scale does. *Only via the widened band*: the mean lies outside the published range and within it only once the range is widened by the tolerance.\n\n${lines.join('\n')}\n\n`;
}

/** `47.9 ms (host.migrationSuspendNs 7.81 ms: suspend on the source + …)` */
function fixedCostText(f: FixedCost): string {
  const parts = f.parts.map((p) => `\`${p.key}\` ${fmt(p.ms)} ms (${p.what})`).join(' + ');
  return `${fmt(f.totalMs)} ms of every ${f.spec.label} is fixed cost: ${parts}; the rest is ${f.spec.rest}`;
}

function fixedCostNotes(entries: readonly ReportEntry[]): string {
  const lines: string[] = [];
  for (const e of entries) {
    if (e.outcome.kind !== 'ran' || e.outcome.fixedCost === undefined) continue;
    const f = e.outcome.fixedCost;
    const g = e.outcome.groups.find((x) => x.shown.metric === f.spec.metric && x.summary.n > 0);
    const rest = g === undefined ? '' : ` (here ${fmt(g.summary.mean - f.totalMs)} ms of the mean ${fmt(g.summary.mean)} ms)`;
    lines.push(`- ${e.experiment.calibration} ${f.spec.label}: ${fixedCostText(f)}${rest}`);
  }
  return lines.length === 0 ? '' : `Fixed cost (the same in every run of the row’s setup, whatever the workload does):\n\n${lines.join('\n')}\n\n`;
}

function joinLines(lines: readonly string[]): string {
  return lines.join('\n');
}

function calibrationRow(entry: ReportEntry): string[] {
  const { experiment: exp, outcome } = entry;
  const id = exp.calibration!;
  const setup = `${exp.setup} (${exp.paperFigure})`;
  if (exp.kind === 'configuration') return configurationRow(exp, outcome, setup);
  const checks = exp.checks ?? [];
  const published = joinLines(checks.map((c) => `${c.label}: ${fmtPublished(c.published, c.unit)}`));
  if (outcome.kind !== 'ran') {
    const reason = outcome.kind === 'not-run' ? `not run: ${outcome.reason}` : '—';
    return [id, setup, published, reason, '—', '—', VERDICT_TEXT[verdict(outcome)]];
  }
  const v = verdict(outcome);
  return [
    v === 'flagged' ? `**${id}** ⚠` : id,
    setup,
    published,
    joinLines(outcome.checks.map((c) => `${c.check.label}: ${checkSimulated(c)}`)),
    joinLines(outcome.checks.map(checkRatio)),
    joinLines(outcome.checks.map((c) => withUnit(`±${fmt(c.tolerance)}`, c.check.unit))),
    joinLines([VERDICT_TEXT[v], ...outcome.checks.map(checkLine)]),
  ];
}

function configurationRow(exp: ConfigurationExperiment, outcome: ExperimentOutcome, setup: string): string[] {
  const id = exp.calibration;
  if (outcome.kind !== 'configuration') {
    const reason = outcome.kind === 'not-run' ? `not run: ${outcome.reason}` : '—';
    return [id, setup, exp.published, reason, '—', '—', VERDICT_TEXT[verdict(outcome)]];
  }
  const v = verdict(outcome);
  const values = Object.keys(outcome.values)
    .sort()
    .map((k) => `${k} = ${fmtValue(outcome.values[k]!)}`);
  return [
    v === 'flagged' ? `**${id}** ⚠` : id,
    setup,
    exp.published,
    joinLines([...values, `(configuration, as resolved for ${outcome.resolvedFor})`]),
    '—',
    'must match: ' + fmtParams(exp.expect),
    joinLines([VERDICT_TEXT[v], ...outcome.mismatches]),
  ];
}

function flaggedNotes(entries: readonly ReportEntry[]): string {
  const flagged = entries.filter((e) => e.experiment.calibration !== undefined && verdict(e.outcome) === 'flagged');
  if (flagged.length === 0) return '';
  let text = '### Flagged rows\n\n';
  for (const { experiment: exp, outcome } of flagged) {
    let what = '';
    if (outcome.kind === 'ran') {
      what = outcome.checks
        .filter((c) => c.status === 'outside' || c.status === 'no-value')
        .map((c) =>
          c.summary === undefined
            ? `${c.check.label}: no value (${c.note ?? 'not measured'})`
            : `${c.check.label}: ${fmt(c.summary.mean)} against ${fmtPublished(c.check.published, c.check.unit)} ± ${fmt(c.tolerance)}`,
        )
        .join('; ');
    } else if (outcome.kind === 'configuration') what = outcome.mismatches.join('; ');
    text += `- **${exp.calibration}** (${what}). ${exp.explanation ?? defaultExplanation(exp)}\n`;
  }
  return text + '\n';
}

function toleranceNotes(entries: readonly ReportEntry[]): string {
  const lines: string[] = [];
  for (const { experiment: exp } of entries) {
    if (exp.kind !== 'measured' || exp.calibration === undefined) continue;
    const seen = new Map<string, string[]>();
    for (const c of exp.checks ?? []) {
      const key = `${describeTolerance(c.tolerance, c.unit)} — ${c.tolerance.why}`;
      seen.set(key, [...(seen.get(key) ?? []), c.label]);
    }
    for (const [key, labels] of seen) lines.push(`- ${exp.calibration} (${labels.join(', ')}): ${key}`);
  }
  return lines.length === 0 ? '' : `Tolerances used:\n\n${lines.join('\n')}\n\n`;
}

/**
 * The counts the README repeats: rows (a row is *predicted* when at least one of its judged checks
 * is a prediction, *fitted* when every one reads back a fitted input) and checks.
 */
export function countLines(entries: readonly ReportEntry[]): string {
  const rows = entries.filter((e) => e.experiment.calibration !== undefined);
  const n = (v: RowVerdict): number => rows.filter((e) => verdict(e.outcome) === v).length;
  const fitted = rows.filter((e) => verdict(e.outcome) === 'within' && allFitted(e)).length;
  const configuration = rows.filter((e) => e.outcome.kind === 'configuration' && verdict(e.outcome) === 'within').length;
  const predicted = n('within') - fitted - configuration;
  const within = `${n('within')} within tolerance (${predicted} with a predicted check, ${fitted} reading back fitted inputs only, ${configuration} configuration)`;
  const parts = [within, `${n('flagged')} flagged`, `${n('not-run')} not run`];
  if (n('not-in-run') > 0) parts.push(`${n('not-in-run')} without a point in this run`);
  const checks = rows.flatMap(judgedChecks);
  const ok = checks.filter((c) => c.status === 'within');
  const okFitted = ok.filter((c) => c.check.fitted !== undefined).length;
  const failed = checks.length - ok.length;
  const failedFitted = checks.filter((c) => c.status !== 'within' && c.check.fitted !== undefined).length;
  const checkLine =
    `${checks.length} checks: ${ok.length} within tolerance (${ok.length - okFitted} predicted, ${okFitted} reading back a fitted input), ` +
    `${failed} outside or without a value (${failed - failedFitted} predicted, ${failedFitted} reading back a fitted input).`;
  return `${rows.length} calibration rows: ${parts.join(', ')}.\n\n${checkLine}\n\n`;
}

function metricTable(exp: MeasuredExperiment, outcome: Extract<ExperimentOutcome, { kind: 'ran' }>): string {
  const reported = new Set(outcome.groups.filter((g) => g.summary.n > 0).map((g) => g.shown.metric));
  const missing = exp.show.filter((s) => !reported.has(s.metric)).map((s) => `\`${s.metric}\``);
  const rows = outcome.groups
    .filter((g) => g.summary.n > 0)
    .map((g) => [
      ...outcome.gridKeys.map((k) => fmtValue(g.key[k] ?? null)),
      g.shown.fitted === undefined ? g.shown.label : `${g.shown.label} (fitted)`,
      g.shown.kind === 'fraction' ? fmtFraction(g.summary) : fmtInterval(g.summary, g.shown.unit, g.bootstrap),
    ]);
  let text = rows.length === 0 ? 'No metric was reported.\n' : table([...outcome.gridKeys, 'metric', 'simulated: mean [95 % CI]'], rows);
  if (missing.length > 0 && rows.length > 0) text += `\nNot reported by this build: ${missing.join(', ')}.\n`;
  return text;
}

function details(entry: ReportEntry): string {
  const { experiment: exp, outcome } = entry;
  const tag = exp.calibration === undefined ? '' : ` (${exp.calibration})`;
  let text = `### ${exp.title}${tag}\n\n`;
  text += `\`${exp.id}\` · counterpart of ${exp.paperFigure} · ${exp.setup}\n\n`;
  if (outcome.kind === 'not-run') return text + `**Not run:** ${outcome.reason}\n\n`;
  if (outcome.kind === 'configuration') return text + `Configuration only (see the calibration table).\n\n`;
  if (exp.kind !== 'measured') return text;
  const fixed = Object.keys(outcome.fixed).length === 0 ? '' : ` with ${fmtParams(outcome.fixed)}`;
  text += `Sweep: ${exp.sweep.engine ?? (exp.sweep.grid?.engine ?? []).join(' / ')} on ${exp.sweep.workload}${fixed} (other parameters at their defaults); ${outcome.points} points, ${outcome.ok} ok; raw runs in \`${outcome.store}\`.\n\n`;
  text += metricTable(exp, outcome);
  const fitted = exp.show.filter((x) => x.fitted !== undefined);
  if (fitted.length > 0) text += `\n**Fitted, not predicted.** ${fitted.map((x) => `${x.label}: ${x.fitted}.`).join(' ')}\n`;
  if (outcome.fixedCost !== undefined) text += `\n**Fixed cost.** ${fixedCostText(outcome.fixedCost)}.\n`;
  if (exp.mechanism !== undefined) text += `\n**How the model produces it.** ${exp.mechanism}\n`;
  if (outcome.failed.length > 0) {
    text += `\n**${outcome.failed.length} of ${outcome.points} points failed:**\n\n`;
    for (const f of outcome.failed) text += `- #${f.index} (replicate ${f.replicate}${Object.keys(f.params).length > 0 ? `, ${fmtParams(f.params)}` : ''}) ${f.status}: ${cell(f.error)}\n`;
  }
  for (const n of outcome.notes) text += `\nNote: ${n}\n`;
  if (outcome.figure !== undefined) text += `\n![${exp.title}](${outcome.figure}.svg)\n\n[SVG](${outcome.figure}.svg) · [PNG](${outcome.figure}.png)\n`;
  else if (outcome.figureError !== undefined) text += `\nNo figure: ${outcome.figureError}\n`;
  return text + '\n';
}

/** The replicates per point of the measured experiments: `n = 2`, or `n = 2–3` when they differ. */
function replicatesText(entries: readonly ReportEntry[]): string {
  const ns = entries.filter((e) => e.experiment.kind === 'measured').map((e) => effectivePlan(e.experiment as MeasuredExperiment, true).replicates);
  if (ns.length === 0) return 'no measured experiment';
  const lo = Math.min(...ns);
  const hi = Math.max(...ns);
  return `n = ${lo === hi ? lo : `${lo}–${hi}`} replicates per point`;
}

/** The whole REPORT.md. */
export function writeReport(input: ReportInput): string {
  const calibration = input.entries
    .filter((e) => e.experiment.calibration !== undefined)
    .sort((a, b) => a.experiment.calibration!.localeCompare(b.experiment.calibration!, 'en', { numeric: true }));
  const others = input.entries.filter((e) => e.experiment.calibration === undefined);
  let text = '# vmft — reproduction report\n\n';
  text += VERSION_LINE(input.modelVersion, input.toolkitVersion) + '\n';
  text += `- Produced by: \`${input.command}\`` + (input.quick ? ` — quick mode: fewer points and replicates (${replicatesText(input.entries)}), shorter runs` : '') + '\n';
  if (input.date !== undefined) text += `- Date: ${input.date}\n`;
  text +=
    '\nEvery simulated number depends only on the model version and the seeds. Values are means over ' +
    'replicates (n of them) with their 95 % confidence interval (Student t). A quantity that cannot be negative ' +
    'whose Student t interval would reach below zero gets the 95 % percentile bootstrap interval of its mean instead, marked ' +
    `*(bootstrap)*: ${BOOTSTRAP_RESAMPLES.toLocaleString('en-US')} resamples drawn from the project’s seeded random streams, so it is as deterministic as ` +
    'the rest; it never leaves the range of the values. An experiment whose engine or workload ' +
    'this build lacks is listed as not run, with the reason.\n\n';

  text += '## Calibration (docs/design.md#calibration)\n\n';
  text += countLines(input.entries);
  text +=
    'Tolerance: the larger of the row’s stated percentage and 5 % of the paper figure’s full scale; ' +
    'a row is within when every mean lies within its tolerance of the published value (or range).\n\n';
  text += table(
    ['row', 'setup', 'published', 'simulated: mean [95 % CI]', 'ratio', 'tolerance', 'within tolerance'],
    calibration.map(calibrationRow),
  );
  text += '\n' + flaggedNotes(calibration) + fittedNotes(calibration) + fixedCostNotes(calibration) + toleranceNotes(calibration);

  text += '## Other experiments\n\n';
  text += 'Simulated values only: the paper’s numbers for these are not part of the calibration data.\n\n';
  text += others.map(details).join('');

  text += '## Details of the calibration experiments\n\n';
  text += calibration.map(details).join('');
  return text.replace(/\n{3,}/g, '\n\n');
}
