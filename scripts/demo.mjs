// `npm start` (until `vmft reproduce` exists): a short demonstration — each available engine on a
// small workload — printed as one table.
import { ENGINE_DEFS, runScenario } from '../dist/lib/index.js';

const plan = [
  ['unprotected', 'synthetic', { 'run.durationS': 20, 'workload.dirtyPagesPerS': 5000 }],
  ['migration', 'synthetic', { 'run.durationS': 20, 'workload.dirtyPagesPerS': 5000, 'migration.startAtS': 5 }],
  ['remus', 'synthetic', { 'run.durationS': 20, 'workload.dirtyPagesPerS': 5000 }],
];
const available = new Set(ENGINE_DEFS.map((e) => e.name));
const shown = ['overheadPct', 'totalTimeS', 'downtimeMs', 'rounds', 'sentMiB', 'achievedCheckpointsPerS', 'pauseMsMean', 'transmitMsMean', 'wallMs'];

const rows = [];
for (const [engine, workload, params] of plan) {
  if (!available.has(engine)) continue;
  const r = runScenario({ engine, workload, params, seed: 1 });
  const inv = Object.entries(r.invariants);
  rows.push({
    run: `${engine} / ${workload}`,
    ...Object.fromEntries(shown.filter((k) => typeof r.metrics[k] === 'number').map((k) => [k, r.metrics[k].toFixed(k === 'rounds' ? 0 : 2)])),
    invariants: inv.length === 0 ? '—' : inv.every(([, v]) => v) ? 'all hold' : inv.filter(([, v]) => !v).map(([k]) => k).join(', ') + ' VIOLATED',
  });
}
console.log('vmft demonstration: a VM dirtying 5000 pages/s (512 MiB, 20 s simulated)\n');
console.table(rows);
console.log('\nTry: npx vmft list workloads · npx vmft run remus --workload kernel-compile · notebooks/');
