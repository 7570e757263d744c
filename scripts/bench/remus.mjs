// Remus benchmark (docs/design.md#benchmarks): `remus.kernelCompile40.wallMs` — a whole kernel-compile run
// protected at 40 checkpoints/s (≈25,000 checkpoints over ≈610 simulated seconds), its unprotected
// twin included. Imports the compiled library: run `npm run build` first. Standalone:
// `node scripts/bench/remus.mjs`.
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';

const root = fileURLToPath(new URL('../..', import.meta.url));

export async function benchRemus() {
  const { runScenario } = await import(pathToFileURL(join(root, 'dist', 'lib', 'scenario', 'index.js')).href);
  const params = { 'remus.checkpointsPerS': 40 };
  // Warm-up: a short build, so the figure is the steady simulator, not the JIT compiling it.
  runScenario({ engine: 'remus', workload: 'kernel-compile', params: { ...params, 'workload.workS': 20 } });
  const best = [];
  let checkpoints = 0;
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const r = runScenario({ engine: 'remus', workload: 'kernel-compile', params });
    best.push(performance.now() - t0);
    if (r.metrics.completed !== true) throw new Error('kernel-compile did not complete');
    checkpoints = r.series.epochs.length;
  }
  const wallMs = Math.min(...best);
  return [
    { name: 'remus.kernelCompile40.wallMs', value: Math.round(wallMs), unit: 'ms', target: 2000, better: 'lower', checkpoints },
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const rows = await benchRemus();
  for (const r of rows) console.log(`${r.name}: ${r.value} ${r.unit} (target ≤ ${r.target}; ${r.checkpoints} checkpoints)`);
}
