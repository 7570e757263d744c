import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const cwd = mkdtempSync(join(tmpdir(), 'vmft-out-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

describe('vmft reproduce --quick without --out', () => {
  it('writes to results/quick/, never over the committed full report in results/', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'bin/vmft.js'), 'reproduce', '--quick', '--only', 'wws-synthetic'], { cwd, encoding: 'utf8', timeout: 120_000 });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('report: results/quick/REPORT.md');
    expect(existsSync(join(cwd, 'results/quick/REPORT.md'))).toBe(true);
    expect(existsSync(join(cwd, 'results/REPORT.md'))).toBe(false);
  }, 120_000);
});
