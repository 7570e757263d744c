import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SCRIPT = resolve('scripts/mutation-scores.mjs');

type Status = 'Killed' | 'Timeout' | 'Survived' | 'NoCoverage' | 'CompileError';

/**
 * A Stryker JSON report holding `files`: one line of source per mutant (`line 1`, `line 2`, … unless
 * given), each mutant replacing its whole line.
 */
function report(files: Record<string, { lines?: string[]; statuses: Status[] }>): object {
  return {
    files: Object.fromEntries(
      Object.entries(files).map(([file, { lines, statuses }]) => {
        const src = lines ?? statuses.map((_, i) => `line ${i + 1}`);
        return [
          file,
          {
            source: src.join('\n'),
            mutants: statuses.map((status, i) => ({ status, mutatorName: 'BlockStatement', replacement: '{}', location: { start: { line: i + 1, column: 1 }, end: { line: i + 1, column: src[i]!.length + 1 } } })),
          },
        ];
      }),
    ),
  };
}

/** Run the script in a scratch folder over the named reports: the results it wrote, and what it said on stderr. */
function scores(reports: Record<string, object>, args: string[]): { out: Record<string, any>; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), 'vmft-mutation-'));
  mkdirSync(join(dir, 'results'));
  for (const [name, r] of Object.entries(reports)) writeFileSync(join(dir, name), JSON.stringify(r));
  const run = spawnSync(process.execPath, [SCRIPT, ...args], { cwd: dir, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(run.stderr);
  return { out: JSON.parse(readFileSync(join(dir, 'results/mutation.json'), 'utf8')) as Record<string, any>, stderr: run.stderr };
}

const A = 'lib/engines/x/a.ts';
const B = 'lib/engines/x/b.ts';

describe('scripts/mutation-scores.mjs', () => {
  it('scores each file, each folder up to lib/<layer>: detected (killed or timed out) ÷ valid; compile errors are not valid', () => {
    const { out } = scores({ 'r.json': report({ [A]: { statuses: ['Killed', 'Timeout', 'Survived', 'NoCoverage', 'CompileError'] }, [B]: { statuses: ['Killed'] } }) }, ['r.json@t/a.test.ts']);
    expect(out.scores).toEqual({ 'lib/engines': 60, 'lib/engines/x': 60, [A]: 50, [B]: 100 });
    expect(out.mutants[A]).toEqual({ detected: 2, valid: 4 });
    expect(out.tests[A]).toBe('t/a.test.ts');
  });

  it('a file measured again replaces its earlier result (the last report named wins)', () => {
    const { out } = scores(
      { 'old.json': report({ [A]: { statuses: ['Survived', 'Survived'] } }), 'new.json': report({ [A]: { statuses: ['Killed', 'Survived', 'Survived'] } }) },
      ['old.json', 'new.json@t/new.test.ts'],
    );
    expect(out.mutants[A]).toEqual({ detected: 1, valid: 3 });
    expect(out.tests[A]).toBe('t/new.test.ts');
  });

  it('+report adds its kills to the same mutants, and appends its suites', () => {
    const { out } = scores(
      {
        'base.json': report({ [A]: { statuses: ['Killed', 'Survived', 'Survived', 'NoCoverage'] } }),
        'more.json': report({ [A]: { statuses: ['Survived', 'Killed', 'Survived', 'Timeout'] } }),
      },
      ['base.json@t/a.test.ts', '+more.json@t/new.test.ts'],
    );
    // Mutant 1 stays killed although the new suites miss it; 2 and 4 are now detected.
    expect(out.mutants[A]).toEqual({ detected: 3, valid: 4 });
    expect(out.tests[A]).toBe('t/a.test.ts, t/new.test.ts');
  });

  it('+report matches mutants by the code they change: moved lines still match; mutants of code changed since are not scored, and it says so', () => {
    const { out, stderr } = scores(
      {
        'base.json': report({ [A]: { lines: ['a', 'b', 'c'], statuses: ['Killed', 'Survived', 'Survived'] } }),
        // A line was added on top: every mutant moved one line down, one is new.
        'more.json': report({ [A]: { lines: ['new', 'a', 'b', 'c'], statuses: ['Killed', 'Survived', 'Killed', 'Survived'] } }),
      },
      ['base.json', '+more.json'],
    );
    expect(out.mutants[A]).toEqual({ detected: 2, valid: 3 });
    expect(stderr).toMatch(/lib\/engines\/x\/a\.ts: 1 mutants of code changed since the earlier report are not scored/);
  });

  it('+report over a file no earlier report holds mutant by mutant adds nothing, and says so', () => {
    const earlier = { date: 'x', scores: {}, mutants: { [A]: { detected: 1, valid: 2 } } };
    const { out, stderr } = scores({ 'earlier.json': earlier, 'more.json': report({ [A]: { statuses: ['Killed', 'Killed'] } }) }, ['earlier.json', '+more.json']);
    expect(out.mutants[A]).toEqual({ detected: 1, valid: 2 });
    expect(stderr).toMatch(/is not held mutant by mutant/);
  });

  it('an earlier results/mutation.json carries the counts of files no later report holds', () => {
    const earlier = { date: 'x', scores: {}, mutants: { [B]: { detected: 3, valid: 4 }, 'lib/engines/x': { detected: 3, valid: 4 } }, tests: { [B]: 't/b.test.ts' } };
    const { out } = scores({ 'earlier.json': earlier, 'r.json': report({ [A]: { statuses: ['Killed'] } }) }, ['earlier.json', 'r.json']);
    expect(out.mutants).toMatchObject({ [A]: { detected: 1, valid: 1 }, [B]: { detected: 3, valid: 4 }, 'lib/engines': { detected: 4, valid: 5 } });
    expect(out.tests[B]).toBe('t/b.test.ts');
  });
  it('an unreadable report: exit 2, the path named', () => {
    const run = spawnSync(process.execPath, [SCRIPT, 'missing.json'], { cwd: tmpdir(), encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/cannot read the report missing\.json/);
  });
});
