/**
 * REPORT.md from experiment outcomes: a pure function of its input, so the report is byte-identical
 * whenever the model and the seeds are (no wall times, no date unless one is passed in).
 */
import { cell, fmt, fmtFraction, withUnit, fmtParams, fmtPublished, fmtSummary, fmtValue, table } from './format.js';
import { describeTolerance, isWithin, ratioOf } from './tolerance.js';
import type { CheckResult, ConfigurationExperiment, Experiment, ExperimentOutcome, MeasuredExperiment, ReportEntry, ReportInput } from './types.js';

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

function checkSimulated(c: CheckResult): string {
  if (c.status === 'skipped') return `— (${c.note ?? 'not in this run'})`;
  if (c.summary === undefined) return `no value: ${c.note ?? 'not measured'}`;
  return fmtSummary(c.summary, c.check.unit);
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

function checkWithin(c: CheckResult): string {
  const base = { within: 'yes', outside: '**no**', 'no-value': '**no value**', skipped: '—' }[c.status];
  const notes: string[] = [];
  if (c.check.fitted !== undefined && c.status === 'within') notes.push('fitted input');
  if (onlyViaFloor(c)) notes.push('only via the full-scale floor');
  return notes.length === 0 ? base : `${base} (${notes.join('; ')})`;
}

/** Every judged check of the row reads back a fitted input (nothing predicted). */
function allFitted(entry: ReportEntry): boolean {
  const o = entry.outcome;
  if (o.kind !== 'ran') return false;
  const judged = o.checks.filter((c) => c.status !== 'skipped');
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
    : `Checks marked *fitted input* read back a model constant that was set from that very published value; they confirm the engine reproduces its input, not that the model predicts it:\n\n${lines.join('\n')}\n\n`;
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
    outcome.checks.length === 1 && v === 'within'
      ? checkWithin(outcome.checks[0]!)
      : joinLines([VERDICT_TEXT[v], ...(outcome.checks.length > 1 ? outcome.checks.map((c) => `${c.check.label}: ${checkWithin(c)}`) : [])]),
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

function countLine(entries: readonly ReportEntry[]): string {
  const rows = entries.filter((e) => e.experiment.calibration !== undefined);
  const n = (v: RowVerdict): number => rows.filter((e) => verdict(e.outcome) === v).length;
  const fitted = rows.filter((e) => verdict(e.outcome) === 'within' && allFitted(e)).length;
  const configuration = rows.filter((e) => e.outcome.kind === 'configuration' && verdict(e.outcome) === 'within').length;
  const predicted = n('within') - fitted - configuration;
  const within = `${n('within')} within tolerance (${predicted} predicted, ${fitted} reading back a fitted input, ${configuration} configuration)`;
  const parts = [within, `${n('flagged')} flagged`, `${n('not-run')} not run`];
  if (n('not-in-run') > 0) parts.push(`${n('not-in-run')} without a point in this run`);
  return `${rows.length} calibration rows: ${parts.join(', ')}.\n\n`;
}

function metricTable(exp: MeasuredExperiment, outcome: Extract<ExperimentOutcome, { kind: 'ran' }>): string {
  const reported = new Set(outcome.groups.filter((g) => g.summary.n > 0).map((g) => g.shown.metric));
  const missing = exp.show.filter((s) => !reported.has(s.metric)).map((s) => `\`${s.metric}\``);
  const rows = outcome.groups
    .filter((g) => g.summary.n > 0)
    .map((g) => [
      ...outcome.gridKeys.map((k) => fmtValue(g.key[k] ?? null)),
      g.shown.label,
      g.shown.kind === 'fraction' ? fmtFraction(g.summary) : fmtSummary(g.summary, g.shown.unit),
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

/** The whole REPORT.md. */
export function writeReport(input: ReportInput): string {
  const calibration = input.entries
    .filter((e) => e.experiment.calibration !== undefined)
    .sort((a, b) => a.experiment.calibration!.localeCompare(b.experiment.calibration!, 'en', { numeric: true }));
  const others = input.entries.filter((e) => e.experiment.calibration === undefined);
  let text = '# vmft — reproduction report\n\n';
  text += VERSION_LINE(input.modelVersion, input.toolkitVersion) + '\n';
  text += `- Produced by: \`${input.command}\`` + (input.quick ? ' — quick mode: fewer points and replicates, shorter runs' : '') + '\n';
  if (input.date !== undefined) text += `- Date: ${input.date}\n`;
  text +=
    '\nEvery simulated number depends only on the model version and the seeds. Values are means over ' +
    'replicates with their 95 % confidence interval (Student t); an experiment whose engine or workload ' +
    'this build lacks is listed as not run, with the reason.\n\n';

  text += '## Calibration (docs/design.md#calibration)\n\n';
  text += countLine(input.entries);
  text +=
    'Tolerance: the larger of the row’s stated percentage and 5 % of the paper figure’s full scale; ' +
    'a row is within when every mean lies within its tolerance of the published value (or range).\n\n';
  text += table(
    ['row', 'setup', 'published', 'simulated: mean [95 % CI]', 'ratio', 'tolerance', 'within tolerance'],
    calibration.map(calibrationRow),
  );
  text += '\n' + flaggedNotes(calibration) + fittedNotes(calibration) + toleranceNotes(calibration);

  text += '## Other experiments\n\n';
  text += 'Simulated values only: the paper’s numbers for these are not part of the calibration data.\n\n';
  text += others.map(details).join('');

  text += '## Details of the calibration experiments\n\n';
  text += calibration.map(details).join('');
  return text.replace(/\n{3,}/g, '\n\n');
}
