import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DANFOJS_INSTALL_COMMAND, DANFOJS_OVERRIDES, DANFOJS_RANGE, loadDanfojs, missingDanfojsMessage,
} from '../../lib/analysis/danfojs.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  overrides: Record<string, string>;
};

/** The error Node's ESM loader raises for a bare specifier it cannot find. */
function notFound(name: string, from = '/p/node_modules/vmft/dist/lib/analysis/danfojs.js'): Error {
  return Object.assign(new Error(`Cannot find package '${name}' imported from ${from}`), { code: 'ERR_MODULE_NOT_FOUND' });
}

describe('danfojs-node as an optional peer dependency', () => {
  it('is declared optional, out of the dependencies, and installed here for development', () => {
    expect(pkg.dependencies['danfojs-node']).toBeUndefined();
    expect(pkg.peerDependencies['danfojs-node']).toBe(DANFOJS_RANGE);
    expect(pkg.peerDependenciesMeta['danfojs-node']).toEqual({ optional: true });
    expect(pkg.devDependencies['danfojs-node']).toBe(DANFOJS_RANGE);
  });

  it('the overrides a user needs are the ones this repository installs with', () => {
    for (const [name, spec] of Object.entries(DANFOJS_OVERRIDES)) expect(pkg.overrides[name], name).toBe(spec);
    expect(Object.keys(DANFOJS_OVERRIDES).sort()).toEqual(['@tensorflow/tfjs-node', 'xlsx']);
  });
});

describe('loadDanfojs()', () => {
  it('loads the installed module', async () => {
    const dfd = await loadDanfojs();
    expect(typeof dfd.DataFrame).toBe('function');
  }, 30_000);

  it('when danfojs-node is missing, throws a message naming the install line and vmft init', async () => {
    const cause = notFound('danfojs-node');
    const err = (await loadDanfojs(() => Promise.reject(cause)).then(() => undefined, (e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toBe(missingDanfojsMessage());
    expect(err.message).toContain(DANFOJS_INSTALL_COMMAND);
    expect(err.message).toContain('npx vmft init');
    expect(err.cause).toBe(cause);
  });

  it('passes any other failure on unchanged (a broken install is not a missing one)', async () => {
    const inner = notFound('xlsx', '/p/node_modules/danfojs-node/dist/index.js');
    expect(await loadDanfojs(() => Promise.reject(inner)).catch((e: unknown) => e)).toBe(inner);
    const other = new TypeError('boom');
    expect(await loadDanfojs(() => Promise.reject(other)).catch((e: unknown) => e)).toBe(other);
  });
});

describe('DANFOJS_INSTALL_COMMAND', () => {
  it('npm pkg set part writes exactly the overrides into a package.json', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmft-pkgset-'));
    try {
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'p', version: '1.0.0' }));
      const [pkgSet, install] = DANFOJS_INSTALL_COMMAND.split(' && ');
      expect(install).toBe(`npm install 'danfojs-node@${DANFOJS_RANGE}'`);
      // Through a shell, as a user would paste it; npm_* variables of an enclosing `npm test` left out.
      const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
      execFileSync('sh', ['-c', pkgSet!], { cwd: dir, env, stdio: 'pipe' });
      const written = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { overrides: unknown };
      expect(written.overrides).toEqual(DANFOJS_OVERRIDES);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);

  it('is the line the README gives', () => {
    expect(readFileSync(new URL('../../README.md', import.meta.url), 'utf8')).toContain(DANFOJS_INSTALL_COMMAND);
  });
});
