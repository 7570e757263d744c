import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SCRIPT = resolve('scripts/survivor-lines.mjs');
const FILE = 'lib/x.ts';

/** A report of `lib/x.ts` as it was (`then`), one whole-line mutant per status given by line; the file now is `now`. */
function survivorLines(then: string[], statuses: Record<number, string>, now: string[], files = [FILE]): { out: string; status: number | null; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), 'vmft-survivors-'));
  mkdirSync(join(dir, 'lib'));
  writeFileSync(join(dir, FILE), now.join('\n'));
  const mutants = Object.entries(statuses).map(([line, status]) => ({ status, location: { start: { line: Number(line), column: 1 }, end: { line: Number(line), column: 2 } } }));
  writeFileSync(join(dir, 'r.json'), JSON.stringify({ files: { [FILE]: { source: then.join('\n'), mutants } } }));
  const run = spawnSync(process.execPath, [SCRIPT, 'r.json', ...files], { cwd: dir, encoding: 'utf8' });
  return { out: run.stdout.trim(), status: run.status, stderr: run.stderr };
}

describe('scripts/survivor-lines.mjs <report.json> <file>…', () => {
  it('names the lines of surviving and uncovered mutants, adjacent lines as one range; killed ones are left out', () => {
    const src = ['a', 'b', 'c', 'd', 'e', 'f'];
    expect(survivorLines(src, { 1: 'Killed', 2: 'Survived', 3: 'NoCoverage', 5: 'Survived', 6: 'Timeout' }, src).out).toBe('lib/x.ts:2-3,lib/x.ts:5-5');
  });

  it('maps the lines to the file as it is now, and adds the lines changed since whole', () => {
    // A line was inserted at the top and `d` changed: survivor `e` moved from line 5 to 6.
    expect(survivorLines(['a', 'b', 'c', 'd', 'e'], { 5: 'Survived' }, ['new', 'a', 'b', 'c', 'D', 'e']).out).toBe('lib/x.ts:1-1,lib/x.ts:5-6');
  });

  it('names a file the report does not hold whole', () => {
    expect(survivorLines(['a'], {}, ['a'], [FILE, 'lib/y.ts']).out).toBe('lib/y.ts');
  });

  it('an unreadable report: exit 2, the path named', () => {
    const run = spawnSync(process.execPath, [SCRIPT, 'missing.json', FILE], { cwd: tmpdir(), encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/cannot read the report missing\.json/);
  });
});
