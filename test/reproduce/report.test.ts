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
    expect(line.trimEnd().endsWith('| yes |')).toBe(true);
    expect(verdict(entries[0]!.outcome)).toBe('within');
  });

  it('flags a row outside its tolerance, with the default explanation pointing to the docs', () => {
    const line = tableLine(md, 'C2');
    expect(line.startsWith('| **C2** ⚠ |')).toBe(true);
    expect(line).toContain('**no** ⚠');
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
    expect(md).toContain('5 calibration rows: 2 within tolerance (1 predicted, 0 reading back a fitted input, 1 configuration), 2 flagged, 1 not run.');
    const table = md.slice(md.indexOf('| row |'), md.indexOf('### Flagged rows'));
    expect(table).not.toContain('Another experiment');
    expect(md.indexOf('## Other experiments')).toBeLessThan(md.indexOf('### Another experiment'));
  });

  it('marks a check that reads back a fitted input, and counts its row apart from predictions', () => {
    const fittedExp = { ...within, checks: within.checks!.map((c) => ({ ...c, fitted: 'the constant X was set from this row' })) };
    const entry = ran(fittedExp, [99, 101, 100]);
    const out = writeReport({ ...input, entries: [entry, ...entries.slice(1)] });
    expect(tableLine(out, 'C1')).toContain('yes (fitted input)');
    expect(out).toContain('2 within tolerance (0 predicted, 1 reading back a fitted input, 1 configuration)');
    expect(out).toContain('- C1 the metric: the constant X was set from this row');
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

