import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CALIBRATION_ROWS, EXPERIMENTS, figurePath, reportModelVersion, storePath } from '../../lib/reproduce/index.js';
import { MODEL_VERSION } from '../../lib/version.js';
import { ensureBuilt, ROOT, tempDir } from '../sweep/helpers.js';

const vmft = (...args: string[]) => spawnSync(process.execPath, ['bin/vmft.js', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });

/** Lines of every store under `<out>/stores/quick`: a rerun must add none. */
function storeLines(out: string): number {
  const dir = join(out, 'stores', 'quick');
  if (!existsSync(dir)) return 0;
  return readdirSync(dir)
    .map((id) => join(dir, id, 'runs.jsonl'))
    .filter(existsSync)
    .reduce((n, f) => n + readFileSync(f, 'utf8').split('\n').filter((l) => l !== '').length, 0);
}

beforeAll(ensureBuilt, 300_000);

describe('vmft reproduce --quick, end to end on the engines this build has', () => {
  const out = tempDir('reproduce');
  let first: ReturnType<typeof vmft>;
  let report: string;

  beforeAll(() => {
    first = vmft('reproduce', '--quick', '--out', out);
    report = existsSync(join(out, 'REPORT.md')) ? readFileSync(join(out, 'REPORT.md'), 'utf8') : '';
  }, 400_000);

  it('exits 0 and says where the report and figures are', () => {
    expect(first.stderr).not.toMatch(/internal error/);
    expect(first.status).toBe(0);
    expect(first.stdout).toContain(`report: ${join(out, 'REPORT.md')}`);
    expect(first.stdout).toContain(`figures: ${join(out, 'figures')}`);
  });

  it('writes REPORT.md naming this model version, with a row for every calibration row', () => {
    expect(reportModelVersion(report)).toBe(MODEL_VERSION);
    expect(report).toContain('`vmft reproduce --quick`');
    for (const row of CALIBRATION_ROWS) expect(report).toMatch(new RegExp(`^\\| (\\*\\*)?${row}(\\*\\* ⚠)? \\|`, 'm'));
  });

  it('accounts for every experiment: a figure (SVG and PNG), or the reason there is none', () => {
    for (const e of EXPERIMENTS) {
      expect(report, e.id).toContain(`\`${e.id}\``);
      if (e.kind !== 'measured' || e.figure === undefined) continue;
      const fig = join(out, figurePath(e.id));
      const section = report.slice(report.indexOf(`\`${e.id}\``));
      const notRun = /^\*\*Not run:\*\*/m.test(section.slice(0, section.indexOf('\n### ') >>> 0));
      if (existsSync(`${fig}.svg`)) {
        expect(readFileSync(`${fig}.svg`, 'utf8').startsWith('<svg')).toBe(true);
        expect(readFileSync(`${fig}.png`).subarray(1, 4).toString('latin1')).toBe('PNG');
        expect(report).toContain(`(${figurePath(e.id)}.svg)`);
      } else expect(notRun || /No figure: /.test(section), e.id).toBe(true);
    }
  });

  it('runs the baseline experiment (unprotected engine) into its store and draws it', () => {
    expect(existsSync(join(out, storePath('wws-synthetic', true), 'runs.jsonl'))).toBe(true);
    expect(existsSync(join(out, `${figurePath('wws-synthetic')}.png`))).toBe(true);
    expect(report).toMatch(/\| 64000 \| peak writable working set \| 16384 pages/);
  });

  it('resumes on a rerun (only failed points run again) with a byte-identical report and figures', () => {
    const lines = storeLines(out);
    const svg = readFileSync(join(out, `${figurePath('wws-synthetic')}.svg`), 'utf8');
    const again = vmft('reproduce', '--quick', '--out', out);
    expect(again.status).toBe(0);
    // One row per point: a retried failure replaces its row.
    expect(storeLines(out)).toBe(lines);
    expect(again.stderr).toMatch(/wws-synthetic: 0\/0 done, .*already in the store/);
    // A timeout depends on the machine's speed, so only a report without one must repeat exactly.
    if (!/\) timeout: /.test(report)) expect(readFileSync(join(out, 'REPORT.md'), 'utf8')).toBe(report);
    expect(readFileSync(join(out, `${figurePath('wws-synthetic')}.svg`), 'utf8')).toBe(svg);
  }, 400_000);
});

describe('vmft reproduce bad input exits 2', () => {
  it.each([
    [['--workers', '0'], /--workers: "0" is not a worker count/],
    [['--only', 'nope'], /--only: unknown experiment "nope"/],
    [['--bogus'], /unknown option/],
  ])('%j', (args, message) => {
    const r = vmft('reproduce', '--quick', '--out', tempDir('reproduce-bad'), ...args);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});
