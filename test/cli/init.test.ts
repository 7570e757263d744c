import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DANFOJS_OVERRIDES, DANFOJS_RANGE } from '../../lib/analysis/danfojs.js';
import { initProject, vmftSpec } from '../../lib/cli/commands/init.js';
import { KERNEL_JSON, packageName, TSLAB_RANGE } from '../../lib/cli/init/project.js';
import { STARTER_NOTEBOOK } from '../../lib/cli/init/starter-notebook.js';
import { TOOLKIT_VERSION } from '../../lib/version.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const vmftPkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  version: string;
  devDependencies: Record<string, string>;
};

let tmp: string;
beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'vmft-init-'));
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

const cli = (cwd: string, ...args: string[]) =>
  spawnSync(process.execPath, [join(root, 'bin', 'vmft.js'), ...args], { cwd, encoding: 'utf8' });

interface Notebook {
  cells: Array<{ cell_type: string; id: string; source: string[]; outputs?: unknown[]; execution_count?: null }>;
  metadata: { kernelspec: { name: string } };
  nbformat: number;
  nbformat_minor: number;
}

describe('initProject(dir)', () => {
  it('writes package.json, the starter notebook, the kernelspec, a README and .gitignore into a new folder', () => {
    const dir = join(tmp, 'My Study');
    const files = initProject(dir);
    expect(files.sort()).toEqual(['.gitignore', KERNEL_JSON, 'README.md', STARTER_NOTEBOOK, 'package.json'].sort());
    for (const f of files) expect(existsSync(join(dir, f)), f).toBe(true);
  });

  it('package.json: vmft, danfojs-node with its overrides, tslab, and a jupyter script that sees the kernel', () => {
    initProject(tmp);
    const pkg = JSON.parse(readFileSync(join(tmp, 'package.json'), 'utf8'));
    expect(pkg.dependencies).toEqual({ 'danfojs-node': DANFOJS_RANGE, vmft: `^${vmftPkg.version}` });
    expect(pkg.overrides).toEqual(DANFOJS_OVERRIDES);
    expect(pkg.devDependencies).toEqual({ tslab: vmftPkg.devDependencies.tslab });
    expect(TSLAB_RANGE).toBe(vmftPkg.devDependencies.tslab);
    expect(pkg.private).toBe(true);
    expect(pkg.scripts.jupyter).toContain('JUPYTER_PATH="$PWD/.jupyter/share/jupyter"');
    expect(KERNEL_JSON.startsWith('.jupyter/share/jupyter/kernels/tslab/')).toBe(true);
  });

  it('registers the tslab kernel the way `tslab install` does, by its bare command', () => {
    initProject(tmp);
    const spec = JSON.parse(readFileSync(join(tmp, KERNEL_JSON), 'utf8'));
    expect(spec).toEqual({
      argv: ['tslab', 'kernel', '--config-path', '{connection_file}'],
      display_name: 'TypeScript',
      language: 'typescript',
    });
  });

  it('the starter notebook imports the package by name, has no outputs, and runs on the tslab kernel', () => {
    initProject(tmp);
    const nb = JSON.parse(readFileSync(join(tmp, STARTER_NOTEBOOK), 'utf8')) as Notebook;
    expect(nb.nbformat).toBe(4);
    expect(nb.nbformat_minor).toBe(5);
    expect(nb.metadata.kernelspec.name).toBe('tslab');
    const code = nb.cells.filter((c) => c.cell_type === 'code').map((c) => c.source.join(''));
    expect(code[0]).toMatch(/^import \* as vmft from 'vmft';$/m);
    expect(code.join('\n')).not.toMatch(/from '\.|dist\//);
    for (const name of ['vmft.sweep(', 'vmft.rowsToDataFrame(', 'vmft.show(']) expect(code.join('\n')).toContain(name);
    for (const c of nb.cells) if (c.cell_type === 'code') expect([c.outputs, c.execution_count]).toEqual([[], null]);
    expect(new Set(nb.cells.map((c) => c.id)).size).toBe(nb.cells.length);
  });

  it('refuses a non-empty folder and a file in the way, and leaves them alone', () => {
    writeFileSync(join(tmp, 'notes.txt'), 'mine');
    expect(() => initProject(tmp)).toThrow(/DIR: .* is not empty \(1 entries, e\.g\. notes\.txt\)/);
    expect(readdirSync(tmp)).toEqual(['notes.txt']);
    expect(() => initProject(join(tmp, 'notes.txt'))).toThrow(/exists and is not a folder/);
    expect(readFileSync(join(tmp, 'notes.txt'), 'utf8')).toBe('mine');
  });

  it('accepts an existing empty folder', () => {
    mkdirSync(join(tmp, 'empty'));
    expect(initProject(join(tmp, 'empty'))).toContain('package.json');
  });
});

describe('vmftSpec(spec, dir)', () => {
  it('defaults to the running version and keeps registry specs as given', () => {
    expect(vmftSpec(undefined, tmp)).toBe(`^${TOOLKIT_VERSION}`);
    expect(vmftSpec('~0.1.0', tmp)).toBe('~0.1.0');
  });

  it('turns a tarball path into a file: spec relative to the new project', () => {
    const tgz = join(tmp, 'vmft-0.1.0.tgz');
    writeFileSync(tgz, '');
    const dir = join(tmp, 'a', 'b');
    expect(vmftSpec(tgz, dir)).toBe(`file:${relative(dir, tgz)}`);
    expect(vmftSpec(`file:${tgz}`, dir)).toBe('file:../../vmft-0.1.0.tgz');
  });

  it('refuses a path that does not exist', () => {
    expect(() => vmftSpec(join(tmp, 'nope.tgz'), tmp)).toThrow(/--vmft: .*nope\.tgz does not exist/);
  });
});

describe('packageName(folder)', () => {
  it('lower-cases and replaces characters npm does not allow; never empty', () => {
    expect(packageName('My Study (2026)')).toBe('my-study-2026-');
    expect(packageName('.hidden')).toBe('hidden');
    expect(packageName('___')).toBe('vmft-notebooks');
  });
});

describe('vmft init [DIR]', () => {
  beforeAll(() => {
    if (!existsSync(join(root, 'dist', 'lib', 'cli', 'main.js'))) throw new Error('dist/ is missing: run npm run build');
  });

  it('scaffolds into DIR relative to the working directory, exit 0, and says what to do next', () => {
    const r = cli(tmp, 'init', 'study', '--vmft', '~0.1.0');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('cd study');
    expect(r.stdout).toContain('npm install');
    expect(JSON.parse(readFileSync(join(tmp, 'study', 'package.json'), 'utf8')).dependencies.vmft).toBe('~0.1.0');
  });

  it('defaults to the working directory', () => {
    const r = cli(tmp, 'init');
    expect(r.status, r.stderr).toBe(0);
    expect(existsSync(join(tmp, STARTER_NOTEBOOK))).toBe(true);
    expect(r.stdout).not.toContain('cd ');
  });

  it('exits 2 on a non-empty folder, naming it', () => {
    writeFileSync(join(tmp, 'x'), '');
    const r = cli(tmp, 'init', '.');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/vmft: DIR: \. is not empty .*allowed: a new or empty folder/);
    expect(readdirSync(tmp)).toEqual(['x']);
  });

  it('exits 2 on a --vmft path that does not exist', () => {
    const r = cli(tmp, 'init', 'study', '--vmft', './missing.tgz');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--vmft');
    expect(existsSync(join(tmp, 'study'))).toBe(false);
  });
});
