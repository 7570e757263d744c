import type { Command } from 'commander';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { InputError } from '../../params/index.js';
import { TOOLKIT_VERSION } from '../../version.js';
import { projectFiles, packageName } from '../init/project.js';
import { STARTER_NOTEBOOK } from '../init/starter-notebook.js';

export interface InitOptions {
  /** The dependency spec for vmft (default `^` + this version); a path to a tarball or folder is made relative to DIR. */
  readonly vmft?: string;
}

/** A spec that names a local tarball or folder rather than a registry version. */
function isPathSpec(spec: string): boolean {
  return spec.startsWith('file:') || spec.startsWith('.') || isAbsolute(spec) || spec.endsWith('.tgz');
}

/** The vmft dependency as written to package.json, relative to the new project for local paths. */
export function vmftSpec(spec: string | undefined, dir: string): string {
  if (spec === undefined || spec === '') return `^${TOOLKIT_VERSION}`;
  if (!isPathSpec(spec)) return spec;
  const path = resolve(spec.replace(/^file:/, ''));
  if (!existsSync(path)) throw new InputError('--vmft', `${path} does not exist`, 'a version range, or the path of a vmft tarball or folder');
  const rel = relative(dir, path);
  return `file:${rel === '' ? '.' : rel}`;
}

/**
 * Scaffold a notebook project in `dir` (created if missing; refused unless empty). Returns the
 * files written, relative to `dir`. Bad input (a non-empty folder, a file in the way, a missing
 * tarball) throws InputError: exit 2.
 */
export function initProject(dirArg: string, opts: InitOptions = {}): string[] {
  const dir = resolve(dirArg);
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) throw new InputError('DIR', `${dirArg} exists and is not a folder`, 'a new or empty folder');
    const entries = readdirSync(dir);
    if (entries.length > 0)
      throw new InputError('DIR', `${dirArg} is not empty (${entries.length} entries, e.g. ${entries.sort()[0]})`, 'a new or empty folder');
  }
  const files = projectFiles({ name: packageName(basename(dir)), vmftSpec: vmftSpec(opts.vmft, dir) });
  for (const [path, content] of files) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content, { flag: 'wx' });
  }
  return [...files.keys()];
}

export function registerInitCommand(program: Command, out: (s: string) => void): void {
  program
    .command('init')
    .description('scaffold a notebook project: package.json (vmft, dataframes, tslab), a starter notebook, the kernel registered in the folder')
    .argument('[dir]', 'a new or empty folder', '.')
    .option('--vmft <spec>', `vmft's dependency spec in package.json (default ^${TOOLKIT_VERSION}); a tarball path is made relative`)
    .action((dir: string, opts: InitOptions) => {
      const files = initProject(dir, opts);
      const cd = resolve(dir) === process.cwd() ? [] : [`  cd ${dir}`];
      out(
        [
          `created ${files.length} files in ${dir}: ${files.join(', ')}`,
          'next:',
          ...cd,
          '  npm install                      # vmft, danfojs-node (with its overrides), tslab',
          `  npm run jupyter -- notebook      # then open ${STARTER_NOTEBOOK}; Jupyter itself: apt-get install jupyter-notebook`,
        ].join('\n'),
      );
    });
}
