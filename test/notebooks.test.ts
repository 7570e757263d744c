import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/*
 * Every notebook in notebooks/ is executed headless with the tslab kernel (scripts/run-notebook.py;
 * `npm test` builds dist/ and registers the kernel first via scripts/ensure-jupyter.mjs).
 * Notebooks are committed without outputs, so diffs stay reviewable and results always come from
 * a fresh run.
 */

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const RUNNER = join(ROOT, 'scripts', 'run-notebook.py');
const NOTEBOOK_DIR = join(ROOT, 'notebooks');
const PER_NOTEBOOK_MS = 120_000;

const notebooks = readdirSync(NOTEBOOK_DIR).filter((f) => f.endsWith('.ipynb')).sort();

interface RunOutcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run one notebook through the runner; the child is killed (SIGTERM) just before vitest gives up. */
function runNotebook(path: string, cellTimeoutS = 110): Promise<RunOutcome> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('/usr/bin/python3', [RUNNER, path, '--timeout', String(cellTimeoutS)], {
      cwd: ROOT,
      env: {
        ...process.env,
        JUPYTER_PATH: join(ROOT, '.jupyter', 'share', 'jupyter'),
        PATH: `${join(ROOT, 'node_modules', '.bin')}:${process.env.PATH ?? ''}`,
      },
      timeout: PER_NOTEBOOK_MS - 3_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
  });
}

interface NotebookJson {
  cells: Array<{ cell_type: string; source: string | string[]; outputs?: unknown[]; execution_count?: number | null }>;
}

function notebookJson(cells: string[]): string {
  const nb = {
    cells: cells.map((source) => ({ cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source })),
    metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' } },
    nbformat: 4,
    nbformat_minor: 5,
  };
  return JSON.stringify(nb, null, 1);
}

describe('notebooks/*.ipynb', () => {
  for (const name of notebooks) {
    it(`${name} executes without error`, async () => {
      const { code, stderr } = await runNotebook(join(NOTEBOOK_DIR, name));
      // The runner's stderr names the failing cell, its source and its diagnostics.
      expect(code, stderr).toBe(0);
    }, PER_NOTEBOOK_MS);
  }

  it('are committed without outputs', () => {
    for (const name of notebooks) {
      const nb = JSON.parse(readFileSync(join(NOTEBOOK_DIR, name), 'utf8')) as NotebookJson;
      nb.cells.forEach((cell, i) => {
        if (cell.cell_type !== 'code') return;
        expect(cell.outputs ?? [], `${name} cell ${i} has outputs: clear them before committing`).toEqual([]);
        expect(cell.execution_count ?? null, `${name} cell ${i} has an execution count`).toBeNull();
      });
    }
  });
});

describe('scripts/run-notebook.py notebook', () => {
  it('reports the failing cell with its index, source and diagnostics, and leaves the file alone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmft-nb-'));
    const path = join(dir, 'fails.ipynb');
    const text = notebookJson([
      "const ok: number = 1;\nconsole.log('first cell ran', ok);",
      "const wrong: number = 'a string';",
      "console.log('never reached');",
    ]);
    writeFileSync(path, text);
    const { code, stderr } = await runNotebook(path, 60);
    expect(code).toBe(1);
    expect(stderr).toContain('cell 1 failed');
    expect(stderr).toContain("const wrong: number = 'a string';");
    expect(stderr).toMatch(/Type 'string' is not assignable to type 'number'/);
    expect(stderr).not.toContain('never reached');
    expect(readFileSync(path, 'utf8')).toBe(text);
  }, PER_NOTEBOOK_MS);
});
