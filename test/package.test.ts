import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DANFOJS_INSTALL_COMMAND } from '../lib/analysis/danfojs.js';
import { STARTER_NOTEBOOK } from '../lib/cli/init/starter-notebook.js';

/*
 * vmft as a user gets it: `npm pack` (which builds first) in a copy of this source tree, then the
 * tarball installed into an empty project with no overrides of its own, the README's library example
 * run there, and a `vmft init` project installed and its starter notebook executed with Jupyter.
 * Installs come from the npm registry through the local npm cache (--prefer-offline).
 */

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const STEP_MS = 300_000; // ~1 min each on an idle 2-core machine; room for a busy one
const NPM_INSTALL = ['install', '--prefer-offline', '--no-audit', '--no-fund'];

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The environment a user's shell would have: without the npm_* variables and node_modules/.bin
 * folders of the enclosing `npm test`, and without this repository's JUPYTER_PATH.
 */
function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k) && k !== 'INIT_CWD' && k !== 'JUPYTER_PATH') env[k] = v;
  env.PATH = (process.env.PATH ?? '')
    .split(delimiter)
    .filter((p) => !p.endsWith(`node_modules${sep}.bin`) && !p.includes('node-gyp-bin'))
    .join(delimiter);
  return env;
}

function run(cmd: string, args: readonly string[], cwd: string, timeoutMs = STEP_MS - 10_000): Promise<Outcome> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { cwd, env: userEnv(), timeout: timeoutMs });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
  });
}

/** Fails the test with the command's output when it did not exit 0. */
async function ok(cmd: string, args: readonly string[], cwd: string): Promise<Outcome> {
  const r = await run(cmd, args, cwd);
  expect(r.code, `${cmd} ${args.join(' ')} in ${cwd}\n${r.stdout}\n${r.stderr}`).toBe(0);
  return r;
}

/** The first ```js block under the README's "From a script or a notebook" heading. */
function readmeLibraryExample(readme: string): string {
  const heading = readme.indexOf('\n## From a script or a notebook\n');
  if (heading < 0) throw new Error('README.md has no "## From a script or a notebook" section');
  const m = /\n```js\n([\s\S]*?)\n```\n/.exec(readme.slice(heading));
  if (m === null) throw new Error('README.md: no ```js block under "From a script or a notebook"');
  return m[1] + '\n';
}

/** Copy of the source tree without build output, installed modules or local results; node_modules linked. */
function copySource(to: string): void {
  const skip = new Set(['.git', 'node_modules', 'dist', '.jupyter', join('results', 'runs'), join('results', 'stores'), join('results', 'quick')]);
  cpSync(ROOT, to, {
    recursive: true,
    filter: (src) => {
      const rel = relative(ROOT, src);
      return !skip.has(rel) && !rel.endsWith('.tgz') && !rel.split(sep).includes('.ipynb_checkpoints');
    },
  });
  symlinkSync(join(ROOT, 'node_modules'), join(to, 'node_modules'), 'dir');
}

/** Every .ts module under a source folder, as the path of its compiled twin without extension. */
function compiledModules(folder: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      const rel = join(dir, e.name);
      if (e.isDirectory()) walk(rel);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(join('dist', rel.slice(0, -3)).split(sep).join('/'));
    }
  };
  walk(folder);
  return out;
}

let work: string;
let tarball: string;
let packed: string[];
const plain = () => join(work, 'plain');
const study = () => join(work, 'study');

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'vmft-package-'));
  const src = join(work, 'src');
  copySource(src);
  await ok('npm', ['pack', '--pack-destination', work], src);
  const tgz = readdirSync(work).filter((f) => f.endsWith('.tgz'));
  expect(tgz).toHaveLength(1);
  tarball = join(work, tgz[0]!);
  const list = await ok('tar', ['-tzf', tarball], work);
  packed = list.stdout.split('\n').filter((l) => l !== '').map((l) => l.replace(/^package\//, ''));
}, STEP_MS);

afterAll(() => {
  // Two node_modules trees (~600 MB, mostly TensorFlow.js): removed in the background, not waited for.
  if (work !== undefined) spawn('rm', ['-rf', work], { detached: true, stdio: 'ignore' }).unref();
});

describe('npm pack', () => {
  it('builds first and ships only dist (JS and declarations), bin, schemas, README, LICENSE and package.json', () => {
    const allowed = /^(dist\/(lib|workloads)\/.+\.(js|d\.ts)|bin\/vmft\.js|schemas\/[\w.-]+\.json|README\.md|LICENSE|package\.json)$/;
    expect(packed.filter((f) => !allowed.test(f))).toEqual([]);
    for (const f of ['package.json', 'README.md', 'LICENSE', 'bin/vmft.js', 'schemas/sweep-spec.schema.json']) expect(packed).toContain(f);
    // The copy had no dist/: every module's build in the tarball comes from prepack.
    const expected = [...compiledModules('lib'), ...compiledModules('workloads')];
    expect(expected.length).toBeGreaterThan(100);
    const have = new Set(packed);
    expect(expected.filter((m) => !have.has(`${m}.js`) || !have.has(`${m}.d.ts`))).toEqual([]);
    expect(readFileSync(join(ROOT, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n/);
    expect(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).license).toBe('MIT');
  });
});

describe('the packed tarball in a user project', () => {
  it('installs into an empty project with no overrides, and the README library example runs there', async () => {
    mkdirSync(plain());
    await ok('npm', ['init', '-y'], plain());
    await ok('npm', [...NPM_INSTALL, tarball], plain());
    const pkg = JSON.parse(readFileSync(join(plain(), 'package.json'), 'utf8'));
    expect(pkg.overrides).toBeUndefined();
    expect(existsSync(join(plain(), 'node_modules', 'vmft', 'dist', 'lib', 'index.js'))).toBe(true);
    expect(existsSync(join(plain(), 'node_modules', 'danfojs-node'))).toBe(false);

    const example = readmeLibraryExample(readFileSync(join(ROOT, 'README.md'), 'utf8'));
    expect(example).toContain("from 'vmft'");
    writeFileSync(join(plain(), 'example.mjs'), example);
    const r = await ok('node', ['example.mjs'], plain());
    expect(r.stderr).not.toMatch(/error/i);
    expect(readFileSync(join(plain(), 'remus-transmit.svg'), 'utf8')).toMatch(/^<svg /);
    expect(readFileSync(join(plain(), 'remus-transmit.png')).subarray(1, 4).toString()).toBe('PNG');

    // Without danfojs-node, a DataFrame is one command away, and the error says which.
    writeFileSync(join(plain(), 'frame.mjs'), "import { rowsToDataFrame } from 'vmft';\nawait rowsToDataFrame([{ a: 1 }]);\n");
    const frame = await run('node', ['frame.mjs'], plain());
    expect(frame.code).toBe(1);
    expect(frame.stderr).toContain(DANFOJS_INSTALL_COMMAND);
  }, STEP_MS);

  it('vmft init makes a project that installs and whose starter notebook runs with Jupyter', async () => {
    const vmftBin = join(plain(), 'node_modules', '.bin', 'vmft');
    expect(existsSync(vmftBin), 'the previous test installs vmft').toBe(true);
    await ok(vmftBin, ['init', study(), '--vmft', tarball], work);
    const again = await run(vmftBin, ['init', study()], work);
    expect(again.code).toBe(2);

    await ok('npm', NPM_INSTALL, study());
    const out = join(work, 'start.out.ipynb');
    await ok('/usr/bin/python3', [join(ROOT, 'scripts', 'run-notebook.py'), join(study(), STARTER_NOTEBOOK), '--project', study(), '--out', out], work);

    const nb = JSON.parse(readFileSync(out, 'utf8')) as {
      cells: Array<{ outputs?: Array<{ output_type: string; name?: string; text?: string | string[]; data?: Record<string, unknown> }> }>;
    };
    const outputs = nb.cells.flatMap((c) => c.outputs ?? []);
    const text = outputs.filter((o) => o.output_type === 'stream').map((o) => [o.text ?? ''].flat().join('')).join('');
    // The DataFrame's printed table, with its columns and both policies.
    expect(text).toMatch(/pageWritesPerS[\s\S]*downtimeMs/);
    expect(text).toContain('xen-classic');
    expect(text).toContain('qemu');
    // The Vega-Lite figure, rendered to SVG by show().
    const svg = outputs.map((o) => o.data?.['image/svg+xml']).filter((s) => s !== undefined);
    expect(svg).toHaveLength(1);
    expect([svg[0]].flat().join('')).toContain('<svg');
  }, STEP_MS);
});
