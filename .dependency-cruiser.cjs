/**
 * The import rules of vmft, checked by `npm run depcruise` (part of `npm test`).
 * docs/design.md ("Layers") draws the same graph.
 *
 * A folder imports only folders of a lower layer; inside a layer only the listed sideways edges are
 * allowed. lib/index.ts (the package root) re-exports every layer and is imported by no module of lib/.
 */

/** Top to bottom. Every folder of lib/ (and workloads/) is named exactly once. */
const LAYERS = [
  ['lib/cli', 'lib/reproduce', 'lib/compare', 'lib/analysis'],
  ['lib/sweep'],
  ['lib/scenario'],
  ['lib/engines', 'workloads', 'lib/faults'],
  // Replica managers (ordering, voting): used by engines, built on the machine and the network.
  ['lib/replication'],
  ['lib/vm', 'lib/net', 'lib/metrics'],
  ['lib/sim', 'lib/params', 'lib/version.ts'],
];

/** Imports allowed inside a layer (from → to). */
const SIDEWAYS = [
  ['lib/cli', 'lib/reproduce'],
  ['lib/cli', 'lib/analysis'],
  ['lib/cli', 'lib/compare'],
  ['lib/compare', 'lib/analysis'],
  ['lib/reproduce', 'lib/analysis'],
  ['lib/engines', 'lib/faults'],
  ['lib/net', 'lib/vm'],
];

const esc = (s) => s.replace(/[.]/g, '\\.');
/** A path regex for a folder (or the single file lib/version.ts). */
const at = (f) => (f.endsWith('.ts') ? `^${esc(f)}$` : `^${esc(f)}/`);
const any = (fs) => (fs.length === 1 ? at(fs[0]) : `(${fs.map(at).join('|')})`);

const layerRules = [];
LAYERS.forEach((layer, i) => {
  const above = LAYERS.slice(0, i).flat();
  for (const folder of layer) {
    const upward = [...above, ...layer.filter((f) => f !== folder && !SIDEWAYS.some(([a, b]) => a === folder && b === f))];
    if (upward.length === 0) continue;
    layerRules.push({
      name: `layers:${folder.replace(/^lib\//, '')}`,
      comment: `${folder} may import only lower layers (docs/design.md, "Layers")`,
      severity: 'error',
      from: { path: at(folder) },
      to: { path: any(upward) },
    });
  }
});

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'package-root-is-for-users',
      comment: 'lib/index.ts is the public surface; modules of lib/ and workloads/ import each other directly',
      severity: 'error',
      from: { path: '^(lib|workloads)/', pathNot: '^lib/index\\.ts$' },
      to: { path: '^lib/index\\.ts$' },
    },
    {
      name: 'engines-are-independent',
      comment: 'an engine never imports another engine (the shared contract is lib/engines/engine.ts)',
      severity: 'error',
      from: { path: '^lib/engines/([^/]+)/' },
      to: { path: '^lib/engines/[^/]+/', pathNot: '^lib/engines/$1/' },
    },
    {
      name: 'engines-never-see-workloads',
      comment: 'engines act on the VM only, never on the workload that runs in it',
      severity: 'error',
      from: { path: '^lib/engines/' },
      to: { path: '^workloads/' },
    },
    {
      name: 'no-cycles',
      comment: 'no module reaches itself through its imports',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-orphans',
      comment: 'every module imports or is imported by another',
      severity: 'error',
      from: { orphan: true, pathNot: '\\.d\\.ts$' },
      to: {},
    },
    {
      name: 'no-unresolvable',
      comment: 'every import resolves to a file or an installed package',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    // TypeScript 7 has no compiler API for dependency-cruiser: swc parses the .ts files, and
    // tsPreCompilationDeps keeps type-only imports in the graph (they count for the layers too).
    parser: 'swc',
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules)/' },
    enhancedResolveOptions: {
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.d.ts'],
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
  },
};
