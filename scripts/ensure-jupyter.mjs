#!/usr/bin/env node
// Make sure the notebook tests can run: Debian's Jupyter (nbclient, ipykernel, jupyter-client),
// DejaVu fonts for PNG text, and the tslab kernel registered *inside the project* (.jupyter/,
// git-ignored) so nothing is written to the system's or the user's Jupyter folders.
// Idempotent and fast when everything is in place. Called by `npm test` before vitest.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const PYTHON = '/usr/bin/python3'; // not the first python3 on PATH: that may be a pyenv without Jupyter
const PACKAGES = ['jupyter-nbconvert', 'python3-nbclient', 'python3-ipykernel', 'jupyter-client', 'fonts-dejavu-core'];
const FONT = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';
const KERNEL_JSON = join(ROOT, '.jupyter', 'share', 'jupyter', 'kernels', 'tslab', 'kernel.json');
const TSLAB = join(ROOT, 'node_modules', '.bin', 'tslab');

function jupyterReady() {
  if (!existsSync('/usr/bin/jupyter') || !existsSync(PYTHON) || !existsSync(FONT)) return false;
  const r = spawnSync(PYTHON, ['-c', 'import nbclient, nbformat, ipykernel, jupyter_client, IPython'], { stdio: 'ignore' });
  return r.status === 0;
}

function installDebianPackages() {
  const cmd = `apt-get update && apt-get install -y --no-install-recommends ${PACKAGES.join(' ')}`;
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    console.error('ensure-jupyter: Jupyter for the notebook tests is missing. Install it with:');
    console.error(`  sudo sh -c '${cmd}'`);
    process.exit(1);
  }
  console.log(`ensure-jupyter: installing ${PACKAGES.join(', ')}`);
  execFileSync('sh', ['-c', cmd], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (!jupyterReady()) {
    console.error('ensure-jupyter: Jupyter still not usable after installing the packages');
    process.exit(1);
  }
}

function kernelRegistered() {
  if (!existsSync(KERNEL_JSON)) return false;
  try {
    const spec = JSON.parse(readFileSync(KERNEL_JSON, 'utf8'));
    return Array.isArray(spec.argv) && spec.argv[0] === 'tslab';
  } catch {
    return false;
  }
}

function registerKernel() {
  if (!existsSync(TSLAB)) {
    console.error(`ensure-jupyter: ${TSLAB} not found — run npm ci first`);
    process.exit(1);
  }
  // The kernelspec's argv is the bare word `tslab`: the notebook runner puts node_modules/.bin on PATH.
  execFileSync(TSLAB, ['install', `--python=${PYTHON}`, '--prefix', join(ROOT, '.jupyter')], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (!kernelRegistered()) {
    console.error(`ensure-jupyter: tslab install did not write ${KERNEL_JSON}`);
    process.exit(1);
  }
  console.log('ensure-jupyter: tslab kernel registered in .jupyter/');
}

if (!jupyterReady()) installDebianPackages();
if (!kernelRegistered()) registerKernel();
