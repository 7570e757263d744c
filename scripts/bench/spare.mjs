// SPARE benchmark: `spare.kvstore13.wallRatio` — the 60 s kvstore run with 13 client sessions under
// `spare` with f = 1 (two hosts, replica managers, voting, a paused shadow per host, verified updates,
// proactive recovery), its twins included (the `active` twin for the savings, the unprotected twin
// for overheadPct), against the same run unprotected and alone. Target: within 5×.
// Imports the compiled library: run `npm run build` first. Standalone: `node scripts/bench/spare.mjs`.
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';

const root = fileURLToPath(new URL('../..', import.meta.url));

export async function benchSpare() {
  const lib = (m) => import(pathToFileURL(join(root, 'dist', m)).href);
  const { getEngine, resolveRunParams, runScenario, simulate } = await lib('lib/scenario/index.js');
  const { getWorkload } = await lib('workloads/index.js');
  const input = { 'run.durationS': 60, 'workload.clients': 13 };
  const alone = (seconds) => {
    const params = resolveRunParams('unprotected', 'kvstore', { ...input, 'run.durationS': seconds });
    const t0 = performance.now();
    simulate(getEngine('unprotected'), getWorkload('kvstore'), params, 1, []);
    return performance.now() - t0;
  };
  const spare = (seconds) => {
    const t0 = performance.now();
    const r = runScenario({ engine: 'spare', workload: 'kvstore', seed: 1, params: { ...input, 'run.durationS': seconds } });
    return { ms: performance.now() - t0, r };
  };
  alone(2); // warm-up
  spare(2);
  // One measurement each: the SPARE run with its twins takes minutes.
  const unprotectedMs = alone(60);
  const { ms, r } = spare(60);
  return [
    {
      name: 'spare.kvstore13.wallMs',
      value: Math.round(ms),
      unit: 'ms',
      target: Math.round(5 * unprotectedMs),
      better: 'lower',
      requests: r.metrics.opsCompleted,
      unprotectedMs: Math.round(unprotectedMs),
      resourceSavingsPct: r.metrics.resourceSavingsPct,
      memorySavingsPct: r.metrics.memorySavingsPct,
    },
    { name: 'spare.kvstore13.wallRatio', value: ms / unprotectedMs, unit: '×', target: 5, better: 'lower' },
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const r of await benchSpare())
    console.log(
      `${r.name}: ${Number.isInteger(r.value) ? r.value : r.value.toFixed(2)} ${r.unit}${r.requests ? ` (unprotected ${r.unprotectedMs} ms; ${r.requests} requests answered; resourceSavingsPct ${r.resourceSavingsPct?.toFixed(1)}, memorySavingsPct ${r.memorySavingsPct?.toFixed(1)})` : ''}`,
    );
}
