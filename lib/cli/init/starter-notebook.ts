/**
 * The starter notebook `vmft init` writes: it imports the installed `vmft` package, runs one
 * migration and a small sweep, and shows the summary as a danfojs DataFrame and as a Vega-Lite
 * figure. Cells are TypeScript for the tslab kernel (Node10 resolution, so `vmft` resolves through
 * its package.json `types`); they stay thin — the logic lives in the library.
 */

export const STARTER_NOTEBOOK = 'start.ipynb';

type Cell = { readonly kind: 'markdown' | 'code'; readonly source: string };

const CELLS: readonly Cell[] = [
  {
    kind: 'markdown',
    source: `# Getting started: pre-copy downtime against the guest's dirty rate

This notebook uses **vmft** from \`node_modules\`, like any other package: \`import * as vmft from 'vmft'\`.
It migrates a 256 MiB guest that writes pages at a steady rate, once, then as a small sweep (two
pre-copy policies × four dirty rates × two replicates, in parallel worker threads), and shows the
downtime as a dataframe and as a figure with 95 % confidence intervals. It takes a few seconds.

Run it with \`npm run jupyter -- notebook\` (or \`lab\`); headless:
\`npm run jupyter -- nbconvert --to notebook --execute --output start.out.ipynb start.ipynb\`.`,
  },
  {
    kind: 'code',
    source: `import * as vmft from 'vmft';

console.log(\`vmft \${vmft.TOOLKIT_VERSION}, model \${vmft.MODEL_VERSION}\`);`,
  },
  {
    kind: 'markdown',
    source: `## One run

Every parameter key carries its unit in its name; \`npx vmft list params\` prints them all with their
defaults and allowed values. The same configuration and seed always give the same result.`,
  },
  {
    kind: 'code',
    source: `const base = {
  'vm.memoryMiB': 256,
  'workload.workingSetMiB': 128,
  'migration.startAtS': 2,
  'run.durationS': 40,
};
const one = vmft.runScenario({
  engine: 'migration', workload: 'synthetic', seed: 1,
  params: { ...base, 'workload.dirtyPagesPerS': 4000 },
});
console.log(one.metrics);`,
  },
  {
    kind: 'markdown',
    source: `## A small sweep

A grid of parameters × replicates, each replicate with its own seed derived from the sweep's.
Pass \`{ out: 'stores/NAME' }\` as the second argument to keep the runs on disk and resume an
interrupted sweep.`,
  },
  {
    kind: 'code',
    source: `const rows = await vmft.sweep({
  name: 'downtime-vs-dirty-rate',
  engine: 'migration',
  workload: 'synthetic',
  params: base,
  grid: { 'migration.policy': ['xen-classic', 'qemu'], 'workload.dirtyPagesPerS': [1000, 4000, 16000, 32000] },
  replicates: 2,
  seed: 1,
});
console.log(\`\${rows.length} runs, statuses: \${[...new Set(rows.map((r) => r.status))].join(', ')}\`);`,
  },
  {
    kind: 'code',
    source: `// Mean downtime per policy and rate, with its 95 % confidence interval, as a danfojs DataFrame.
const summary = vmft.summarizeBy(rows, ['migration.policy', 'workload.dirtyPagesPerS'], 'downtimeMs');
const df = await vmft.rowsToDataFrame(summary.map((g) => ({
  policy: g['migration.policy'], pageWritesPerS: g['workload.dirtyPagesPerS'], finishedRuns: g.n,
  downtimeMs: Math.round(g.mean), ci95LowMs: Math.round(g.ci95Low), ci95HighMs: Math.round(g.ci95High),
})));
df.print();`,
  },
  {
    kind: 'code',
    source: `await vmft.show(vmft.ciLineChart(summary, {
  x: 'workload.dirtyPagesPerS', color: 'migration.policy', xScale: 'log',
  xTitle: 'page writes per s (log)', yTitle: 'downtime (ms; mean, 95 % CI)',
  title: 'Pre-copy downtime against the dirty rate — 256 MiB guest, gigabit link',
}));`,
  },
  {
    kind: 'markdown',
    source: `A point without finished runs (\`finishedRuns\` = 0 in the table, missing from the figure) is one
where no migration finished within the run: pre-copy never converged at that dirty rate. vmft
leaves the downtime of an unfinished migration out rather than reporting 0; the runs' column
\`migrationCompleted\` says which finished.`,
  },
  {
    kind: 'markdown',
    source: `## Next

Change \`base\` or the grid and rerun. \`npx vmft list workloads\` names the workload presets
(each reproducing a published figure), \`npx vmft list engines\` the protection engines; vmft's
README describes sweeps on disk, figures saved as SVG/PNG and the model behind each engine.`,
  },
];

/** Lines of a cell as nbformat stores them: each line keeps its newline but the last. */
function lines(source: string): string[] {
  const parts = source.split('\n');
  return parts.map((l, i) => (i < parts.length - 1 ? l + '\n' : l));
}

/** The starter notebook as nbformat 4.5 JSON, without outputs, for the tslab kernel. */
export function starterNotebook(): string {
  const cells = CELLS.map((c, i) => {
    const common = { id: `cell-${i}`, metadata: {}, source: lines(c.source) };
    return c.kind === 'markdown'
      ? { cell_type: 'markdown', ...common }
      : { cell_type: 'code', execution_count: null, ...common, outputs: [] };
  });
  const nb = {
    cells,
    metadata: {
      kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' },
      language_info: { name: 'typescript', file_extension: '.ts', mimetype: 'text/typescript' },
    },
    nbformat: 4,
    nbformat_minor: 5,
  };
  return JSON.stringify(nb, null, 1) + '\n';
}
