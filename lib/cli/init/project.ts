import { DANFOJS_OVERRIDES, DANFOJS_RANGE } from '../../analysis/danfojs.js';
import { STARTER_NOTEBOOK, starterNotebook } from './starter-notebook.js';

/** The tslab range vmft's own notebooks run on (vmft's package.json: devDependencies). */
export const TSLAB_RANGE = '^1.0.22';

/** Where the project's kernelspec goes: Jupyter finds it through JUPYTER_PATH=<project>/.jupyter/share/jupyter. */
export const KERNEL_JSON = '.jupyter/share/jupyter/kernels/tslab/kernel.json';

export interface ProjectOptions {
  /** The npm package name written to package.json. */
  readonly name: string;
  /** The dependency spec for vmft: a version range, or `file:` + a path relative to the project. */
  readonly vmftSpec: string;
}

/** A folder name as an npm package name: lower case, URL-safe characters, no leading dot or underscore. */
export function packageName(folder: string): string {
  const name = folder.toLowerCase().replace(/[^a-z0-9._~-]+/g, '-').replace(/^[._-]+/, '').slice(0, 214);
  return name === '' ? 'vmft-notebooks' : name;
}

/**
 * The project's package.json: vmft, danfojs-node with the overrides it needs (they apply here,
 * where this package is the root), tslab, and a `jupyter` script that runs Jupyter with the
 * project's kernelspec visible and node_modules/.bin (tslab) on PATH.
 */
function packageJson(opts: ProjectOptions): string {
  const pkg = {
    name: opts.name,
    version: '0.1.0',
    private: true,
    description: 'Notebooks with vmft',
    scripts: {
      jupyter: 'JUPYTER_PATH="$PWD/.jupyter/share/jupyter" jupyter',
    },
    dependencies: {
      'danfojs-node': DANFOJS_RANGE,
      vmft: opts.vmftSpec,
    },
    devDependencies: {
      tslab: TSLAB_RANGE,
    },
    overrides: { ...DANFOJS_OVERRIDES },
  };
  return JSON.stringify(pkg, null, 2) + '\n';
}

/**
 * The tslab kernelspec, as `tslab install --prefix .jupyter` writes it: the bare command `tslab`,
 * found on PATH (node_modules/.bin under `npm run`); tslab then runs the project's own copy.
 */
function kernelJson(): string {
  const spec = {
    argv: ['tslab', 'kernel', '--config-path', '{connection_file}'],
    display_name: 'TypeScript',
    language: 'typescript',
  };
  return JSON.stringify(spec, null, 1) + '\n';
}

function readme(opts: ProjectOptions): string {
  return `# ${opts.name}

Notebooks with vmft, made by \`vmft init\`.

    npm install                         # vmft, danfojs-node (with its overrides) and the tslab kernel
    npm run jupyter -- notebook         # or: npm run jupyter -- lab

\`npm run jupyter -- …\` runs Jupyter with this folder's TypeScript kernel (registered in
\`.jupyter/\`, not system-wide) and \`node_modules/.bin\` on PATH. Jupyter itself is not an npm
package: on Debian, \`apt-get install jupyter-notebook\` (or \`jupyter-nbconvert python3-nbclient
python3-ipykernel\` to execute notebooks headless). Run \`${STARTER_NOTEBOOK}\` without a browser:

    npm run jupyter -- nbconvert --to notebook --execute --output start.out.ipynb ${STARTER_NOTEBOOK}

Cells are TypeScript, compiled by tslab: import the library as \`import * as vmft from 'vmft'\`.
`;
}

/** Every file of a new project, by path relative to its folder. */
export function projectFiles(opts: ProjectOptions): ReadonlyMap<string, string> {
  return new Map([
    ['package.json', packageJson(opts)],
    [STARTER_NOTEBOOK, starterNotebook()],
    [KERNEL_JSON, kernelJson()],
    ['.gitignore', 'node_modules/\n.ipynb_checkpoints/\n*.out.ipynb\n'],
    ['README.md', readme(opts)],
  ]);
}
