// Replication benchmark: `active.kvstore13.wallRatio` — a 60 s kvstore run with 13 client sessions
// (≈ 1,300 requests/s) under `active` with f = 1 (three replicas, replica managers, voting), against
// the same run unprotected; each simulated alone (no twin), best of three. Target: within 5×.
// Imports the compiled library: run `npm run build` first. Standalone: `node scripts/bench/active.mjs`.
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';

const root = fileURLToPath(new URL('../..', import.meta.url));

export async function benchActive() {
  const lib = (m) => import(pathToFileURL(join(root, 'dist', m)).href);
  const { getEngine, resolveRunParams, simulate } = await lib('lib/scenario/index.js');
  const { faultSchedule } = await lib('lib/faults/index.js');
  const { getWorkload } = await lib('workloads/index.js');
  const input = { 'run.durationS': 60, 'workload.clients': 13 };
  const time = (engine, seconds) => {
    const params = resolveRunParams(engine, 'kvstore', { ...input, 'run.durationS': seconds });
    const t0 = performance.now();
    const out = simulate(getEngine(engine), getWorkload('kvstore'), params, 1, faultSchedule(params, seconds));
    return { ms: performance.now() - t0, ops: out.metrics.opsCompleted };
  };
  time('active', 2); // warm-up
  time('unprotected', 2);
  const best = { active: Infinity, unprotected: Infinity };
  let ops = 0;
  for (let i = 0; i < 3; i++)
    for (const engine of ['unprotected', 'active']) {
      const r = time(engine, 60);
      best[engine] = Math.min(best[engine], r.ms);
      if (engine === 'active') ops = r.ops;
    }
  return [
    { name: 'active.kvstore13.wallMs', value: Math.round(best.active), unit: 'ms', target: Math.round(5 * best.unprotected), better: 'lower', requests: ops, unprotectedMs: Math.round(best.unprotected) },
    { name: 'active.kvstore13.wallRatio', value: best.active / best.unprotected, unit: '×', target: 5, better: 'lower' },
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const r of await benchActive())
    console.log(`${r.name}: ${Number.isInteger(r.value) ? r.value : r.value.toFixed(2)} ${r.unit}${r.requests ? ` (unprotected ${r.unprotectedMs} ms; ${r.requests} requests answered)` : ''}`);
}
