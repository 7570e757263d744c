import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Command } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { registerReproduceCommand } from '../../lib/cli/commands/reproduce.js';
import { isInputError } from '../../lib/params/index.js';
import { EXPERIMENTS } from '../../lib/reproduce/index.js';

const dir = mkdtempSync(join(tmpdir(), 'vmft-refuse-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `vmft reproduce …` in-process (no experiment is run by any of these). */
async function reproduce(args: string[]): Promise<{ code: number; stderr: string }> {
  let code = 0;
  let stderr = '';
  const err = new PassThrough();
  err.on('data', (d: Buffer) => (stderr += d.toString()));
  const program = new Command('vmft').exitOverride();
  registerReproduceCommand(program, { stdout: new PassThrough(), stderr: err, tty: false, setExitCode: (c) => (code = c) });
  try {
    await program.parseAsync(['reproduce', ...args], { from: 'user' });
  } catch (e) {
    if (!isInputError(e)) throw e;
    stderr += `vmft: ${(e as Error).message}\n`;
    code = 2;
  }
  return { code, stderr };
}

const FULL = '# vmft — reproduction report\n\n- Model version: **1.0.0** (vmft 0.1.0)\n- Produced by: `vmft reproduce`\n\nthe full report\n';

describe('vmft reproduce refuses what would destroy a report', () => {
  it('--only "" names no experiment: exit 2, the full report untouched', async () => {
    writeFileSync(join(dir, 'REPORT.md'), FULL);
    for (const only of ['', ' , ']) {
      const r = await reproduce(['--quick', '--only', only, '--out', dir]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/--only: .* names no experiment/);
    }
    expect(readFileSync(join(dir, 'REPORT.md'), 'utf8')).toBe(FULL);
  });

  it('a quick run into a folder holding a full report: exit 2, untouched', async () => {
    writeFileSync(join(dir, 'REPORT.md'), FULL);
    const r = await reproduce(['--quick', '--only', EXPERIMENTS.find((e) => e.kind === 'configuration')!.id, '--out', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/holds a full report \(REPORT\.md\); a quick run would replace it/);
    expect(readFileSync(join(dir, 'REPORT.md'), 'utf8')).toBe(FULL);
  });

  it('--out that is a file or under /proc: exit 2 naming the path', async () => {
    writeFileSync(join(dir, 'afile'), 'x');
    const file = await reproduce(['--quick', '--out', join(dir, 'afile')]);
    expect(file.code).toBe(2);
    expect(file.stderr).toMatch(/afile: output folder is not a folder/);
    const proc = await reproduce(['--quick', '--out', '/proc/vmft-nowhere']);
    expect(proc.code).toBe(2);
    expect(proc.stderr).toMatch(/\/proc\/vmft-nowhere: output folder cannot be created/);
  });
});
