import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as root from '../lib/index.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The backticked names in the README's table of what the package root exports. */
function documentedNames(): Set<string> {
  const readme = readFileSync(`${ROOT}README.md`, 'utf8');
  const start = readme.indexOf('**What the package root exports**');
  if (start < 0) throw new Error('README.md: no table of the package root');
  const table = readme.slice(start).split('\n\n')[1] ?? '';
  return new Set([...table.matchAll(/`([A-Za-z_][A-Za-z0-9_]*)`/g)].map((m) => m[1]!));
}

/** What the notebooks' code cells take from the library (`vmft.name`), and what they import. */
function notebookUse(): { names: Set<string>; imports: string[] } {
  const names = new Set<string>();
  const imports: string[] = [];
  for (const f of readdirSync(`${ROOT}notebooks`).filter((n) => n.endsWith('.ipynb'))) {
    const nb = JSON.parse(readFileSync(`${ROOT}notebooks/${f}`, 'utf8')) as { cells: Array<{ cell_type: string; source: string | string[] }> };
    for (const cell of nb.cells.filter((c) => c.cell_type === 'code')) {
      const src = Array.isArray(cell.source) ? cell.source.join('') : cell.source;
      for (const m of src.matchAll(/\bvmft\.([A-Za-z_][A-Za-z0-9_]*)/g)) names.add(m[1]!);
      for (const m of src.matchAll(/from '([^']+)'/g)) imports.push(m[1]!);
    }
  }
  return { names, imports };
}

describe('the package root (lib/index.ts)', () => {
  it('documents every value it exports in the README', () => {
    const documented = documentedNames();
    expect(Object.keys(root).filter((n) => !documented.has(n))).toEqual([]);
  });

  it('exports everything the notebooks use, and the notebooks import the library only through it', () => {
    const { names, imports } = notebookUse();
    expect(names.size).toBeGreaterThan(10);
    expect([...names].filter((n) => !(n in root))).toEqual([]);
    const library = imports.filter((i) => i.includes('dist/') || i.includes('lib/'));
    expect(library.length).toBeGreaterThan(0);
    expect(library.filter((i) => i !== '../dist/lib/index.js')).toEqual([]);
  });

  it('no longer exports internals: unit helpers, replication internals, single engines', () => {
    for (const name of ['s', 'ms', 'us', 'ns', 'ReplicationGroup', 'ShadowReplica', 'remusEngine', 'Channel', 'overheadPct']) expect(name in root, name).toBe(false);
  });
});
