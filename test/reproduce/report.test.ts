import { describe, expect, it } from 'vitest';
import { reportModelVersion, verdict, writeReport, type ReportEntry, type ReportInput } from '../../lib/reproduce/index.js';
import { calibrationExperiment, checkResult, configuration, otherExperiment, summaryOf } from './fixtures.js';

const within = calibrationExperiment('C1', 100);
const outside = calibrationExperiment('C2', 100);
const explained = calibrationExperiment('C3', 100, 'The engine owner knows why: the link model lacks X.');
const missing = calibrationExperiment('C4', 50);

function ran(exp: typeof within, values: number[]): ReportEntry {
  return {
    experiment: exp,
    outcome: {
      kind: 'ran',
      points: values.length,
      ok: values.length,
      failed: [],
      fixed: { 'run.durationS': 5 },
      gridKeys: [],
      groups: [{ shown: exp.show[0]!, key: {}, summary: summaryOf(values) }],
      checks: [checkResult(exp, values)],
      figure: `figures/${exp.id}`,
      store: `stores/${exp.id}`,
      notes: [],
    },
  };
}

const entries: ReportEntry[] = [
  ran(within, [99, 101, 100]),
  ran(outside, [150, 152, 151]),
  ran(explained, [10, 11, 12]),
  { experiment: missing, outcome: { kind: 'not-run', reason: 'engine `remus` is not available yet' } },
  { experiment: configuration, outcome: { kind: 'configuration', resolvedFor: 'unprotected / synthetic', values: { 'host.sharedCpu': true }, mismatches: [] } },
  { experiment: otherExperiment, outcome: { kind: 'not-run', reason: 'workload `nonexistent` is not available yet' } },
];

const input: ReportInput = { modelVersion: '9.9.9', toolkitVersion: '0.0.1', command: 'vmft reproduce --quick', quick: true, entries };

/** The table line of a calibration row. */
function tableLine(md: string, row: string): string {
  const line = md.split('\n').find((l) => l.startsWith(`| ${row} `) || l.startsWith(`| **${row}** `));
  if (line === undefined) throw new Error(`no table line for ${row}`);
  return line;
}

describe('writeReport', () => {
  const md = writeReport(input);

  it('names the model version, the toolkit and the command, and no date unless one is passed', () => {
    expect(reportModelVersion(md)).toBe('9.9.9');
    expect(md).toContain('(vmft 0.0.1)');
    expect(md).toContain('`vmft reproduce --quick`');
    expect(md).not.toMatch(/Date:/);
    expect(writeReport({ ...input, date: '2026-11-25' })).toContain('- Date: 2026-11-25');
  });

  it('is a pure function of its input', () => {
    expect(writeReport(input)).toBe(md);
  });

  it('puts the row id first and marks a row within tolerance as such', () => {
    const line = tableLine(md, 'C1');
    expect(line.startsWith('| C1 |')).toBe(true);
    expect(line).toContain('the metric: 100 ms');
    expect(line).toMatch(/100 ms \[\d+\.?\d*, \d+\.?\d*\], n = 3/);
    expect(line).toContain('| 1.00 |');
    expect(line.trimEnd().endsWith('| yes<br>the metric: yes |')).toBe(true);
    expect(verdict(entries[0]!.outcome)).toBe('within');
  });

  it('flags a row outside its tolerance, with the default explanation pointing to the docs', () => {
    const line = tableLine(md, 'C2');
    expect(line.startsWith('| **C2** ⚠ |')).toBe(true);
    expect(line).toContain('| **no** ⚠<br>the metric: no |');
    expect(line).toContain('| 1.51 |');
    const flag = md.split('\n').find((l) => l.startsWith('- **C2**'))!;
    expect(flag).toContain('151 against 100 ms ± 10');
    expect(flag).toContain('docs/workloads.md');
    expect(flag).toContain('no explanation has been recorded yet');
  });

  it('uses the experiment’s explanation when its owner filled one in', () => {
    const flag = md.split('\n').find((l) => l.startsWith('- **C3**'))!;
    expect(flag).toContain('The engine owner knows why: the link model lacks X.');
    expect(flag).not.toContain('no explanation has been recorded');
  });

  it('reports an experiment that could not run as not run, with the reason', () => {
    const line = tableLine(md, 'C4');
    expect(line).toContain('not run: engine `remus` is not available yet');
    expect(line.trimEnd().endsWith('| not run |')).toBe(true);
    expect(md).toContain('**Not run:** workload `nonexistent` is not available yet');
  });

  it('shows a configuration row without a ratio', () => {
    const line = tableLine(md, 'C9');
    expect(line).toContain('host.sharedCpu = true');
    expect(line).toContain('one shared core, gigabit NICs');
  });

  it('counts the rows and keeps other experiments out of the calibration table', () => {
    expect(md).toContain('5 calibration rows: 2 within tolerance (1 with a predicted check, 0 reading back fitted inputs only, 1 configuration), 2 flagged, 1 not run.');
    expect(md).toContain('3 checks: 1 within tolerance (1 predicted, 0 reading back a fitted input), 2 outside or without a value (2 predicted, 0 reading back a fitted input).');
    const table = md.slice(md.indexOf('| row |'), md.indexOf('### Flagged rows'));
    expect(table).not.toContain('Another experiment');
    expect(md.indexOf('## Other experiments')).toBeLessThan(md.indexOf('### Another experiment'));
  });

  it('marks a check that reads back a fitted input, and counts its row apart from predictions', () => {
    const fittedExp = { ...within, checks: within.checks!.map((c) => ({ ...c, fitted: 'the constant X was set from this row' })) };
    const entry = ran(fittedExp, [99, 101, 100]);
    const out = writeReport({ ...input, entries: [entry, ...entries.slice(1)] });
    expect(tableLine(out, 'C1')).toContain('| yes<br>the metric: yes (fitted input) |');
    expect(out).toContain('2 within tolerance (0 with a predicted check, 1 reading back fitted inputs only, 1 configuration)');
    expect(out).toContain('3 checks: 1 within tolerance (0 predicted, 1 reading back a fitted input)');
    expect(out).toContain('- C1 the metric: the constant X was set from this row');
  });

  it('marks a fitted check that is outside its tolerance too, and counts it as fitted', () => {
    const fittedOut = { ...outside, checks: outside.checks!.map((c) => ({ ...c, fitted: 'the constant Y was set from this row' })) };
    const out = writeReport({ ...input, entries: [entries[0]!, ran(fittedOut, [150, 152, 151]), ...entries.slice(2)] });
    expect(tableLine(out, 'C2')).toContain('| **no** ⚠<br>the metric: no (fitted input) |');
    expect(out).toContain('2 outside or without a value (1 predicted, 1 reading back a fitted input)');
  });

  it('writes every check line as `<label>: yes|no (notes)`, one per check, after the row’s verdict', () => {
    const two = {
      ...within,
      checks: [
        { ...within.checks![0]!, label: 'first', fitted: 'set from this row' },
        { ...within.checks![0]!, label: 'second' },
      ],
    };
    const e = ran(two, [99, 101, 100]);
    if (e.outcome.kind !== 'ran') throw new Error('unreachable');
    const c0 = e.outcome.checks[0]!;
    const entry: ReportEntry = { ...e, outcome: { ...e.outcome, checks: [{ ...c0, check: two.checks[0]! }, { ...c0, check: two.checks[1]!, status: 'outside' }] } };
    const cellText = tableLine(writeReport({ ...input, entries: [entry] }), '**C1** ⚠').split(' | ').at(-1)!.replace(/ \|$/, '');
    expect(cellText.split('<br>')).toEqual(['**no** ⚠', 'first: yes (fitted input)', 'second: no']);
  });

  it('says when a mean lies outside a published range and passes only through the widened band', () => {
    const ranged = { ...within, checks: [{ ...within.checks![0]!, published: [35, 50] as const, tolerance: { pct: 20, why: 'a test tolerance' } }] };
    const e = ran(ranged, [31, 32, 31.5]);
    if (e.outcome.kind !== 'ran') throw new Error('unreachable');
    const summary = summaryOf([31, 32, 31.5]);
    const entry: ReportEntry = { ...e, outcome: { ...e.outcome, checks: [{ check: ranged.checks[0]!, summary, tolerance: 8.5, status: 'within' }] } };
    expect(tableLine(writeReport({ ...input, entries: [entry] }), 'C1')).toContain('the metric: yes (outside the published range: only via the widened band)');
    const inside: ReportEntry = { ...e, outcome: { ...e.outcome, checks: [{ check: ranged.checks[0]!, summary: summaryOf([40, 41]), tolerance: 8.5, status: 'within' }] } };
    expect(tableLine(writeReport({ ...input, entries: [inside] }), 'C1')).toContain('the metric: yes |');
  });

  it('names a bootstrap interval, and a quick report the replicates it used', () => {
    const e = ran(within, [99, 101, 100]);
    if (e.outcome.kind !== 'ran') throw new Error('unreachable');
    const entry: ReportEntry = { ...e, outcome: { ...e.outcome, groups: [{ ...e.outcome.groups[0]!, bootstrap: 10_000 }] } };
    const out = writeReport({ ...input, entries: [entry] });
    expect(out).toMatch(/\| the metric \| 100 ms \[[\d.]+, [\d.]+\], n = 3 \(bootstrap\) \|/);
    expect(out).toContain('quick mode: fewer points and replicates (n = 2 replicates per point), shorter runs');
    expect(out).toContain('10,000 resamples');
    expect(writeReport({ ...input, quick: false })).not.toContain('quick mode');
  });

  it('states a fixed cost beside its metric, and how much of the mean is left', () => {
    const e = ran(within, [49, 48, 50]);
    if (e.outcome.kind !== 'ran') throw new Error('unreachable');
    const fixedCost = {
      spec: { metric: 'm', label: 'downtime', profile: 'clark-2005' as const, parts: [{ cost: 'restoreNs' as const, what: 'start-up' }], rest: 'the last round' },
      parts: [{ key: 'host.restoreNs', what: 'start-up', ms: 40 }],
      totalMs: 40,
    };
    const out = writeReport({ ...input, entries: [{ ...e, outcome: { ...e.outcome, fixedCost } }] });
    expect(out).toContain('- C1 downtime: 40 ms of every downtime is fixed cost: `host.restoreNs` 40 ms (start-up); the rest is the last round (here 9 ms of the mean 49 ms)');
    expect(out).toContain('**Fixed cost.** 40 ms of every downtime is fixed cost');
  });

  it('states each sweep’s fixed parameters and where its raw runs are', () => {
    expect(md).toContain('Sweep: unprotected on synthetic with run.durationS = 5 (other parameters at their defaults); 3 points, 3 ok; raw runs in `stores/exp-c1`.');
  });

  it('links each figure as SVG and PNG', () => {
    expect(md).toContain('![Experiment for C1](figures/exp-c1.svg)');
    expect(md).toContain('[PNG](figures/exp-c1.png)');
  });

  it('lists failed points with their error', () => {
    const e = ran(within, [100, 100]);
    if (e.outcome.kind !== 'ran') throw new Error('unreachable');
    const failedEntry: ReportEntry = {
      ...e,
      outcome: { ...e.outcome, points: 3, failed: [{ index: 2, replicate: 2, params: { 'remus.epochMs': 25 }, status: 'timeout', error: 'exceeded the time limit of 60 s' }] },
    };
    const text = writeReport({ ...input, entries: [failedEntry] });
    expect(text).toContain('**1 of 3 points failed:**');
    expect(text).toContain('- #2 (replicate 2, remus.epochMs = 25) timeout: exceeded the time limit of 60 s');
  });

  it('orders C10 after C9, and prints an experiment’s mechanism with its details', () => {
    const c10 = { ...calibrationExperiment('C10', 20), mechanism: 'Every byte served dirties a page somewhere.' };
    const text = writeReport({ ...input, entries: [...entries, ran(c10, [19, 20, 21])] });
    expect(text.indexOf('| C10 |')).toBeGreaterThan(text.indexOf('| C9 |'));
    expect(text.indexOf('| C10 |')).toBeGreaterThan(0);
    const details = text.slice(text.indexOf('### Experiment for C10'));
    expect(details).toContain('**How the model produces it.** Every byte served dirties a page somewhere.');
  });
});

