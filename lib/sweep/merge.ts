import { join, resolve } from 'node:path';
import { InputError } from '../params/index.js';
import { TOOLKIT_VERSION } from '../version.js';
import { expandSpec } from './grid.js';
import type { SweepRow } from './row.js';
import { checkSameSweep, ensureWritableDir, readManifest, readStore, RUNS_FILE, writeFileAtomic, writeManifest, type StoreContents, type SweepManifest } from './store.js';

export interface MergeResult {
  readonly manifest: SweepManifest;
  /** The merged rows, sorted by index. */
  readonly rows: SweepRow[];
  /** Points of the sweep with no row in any store (a shard not run yet, or cut short). */
  readonly missing: number;
  /** Ids found in more than one store (kept once). */
  readonly duplicates: number;
}

/** Prefer a finished run over a failed one for the same id (a rerun that succeeded); else the first. */
function better(a: SweepRow, b: SweepRow): SweepRow {
  return a.status !== 'ok' && b.status === 'ok' ? b : a;
}

/**
 * Union stores of one sweep by point id into `out` (which may already hold rows of the same
 * sweep, and may be one of the inputs). Stores of different specs or model versions are refused
 * and nothing is written. The merged runs.jsonl is sorted by index and written whole.
 */
export function mergeStores(dirs: readonly string[], out: string): MergeResult {
  if (dirs.length === 0) throw new InputError('merge', 'no stores given', 'one or more store folders');
  const stores: [string, StoreContents][] = dirs.map((d) => [d, readStore(d)]);
  if (!dirs.some((d) => resolve(d) === resolve(out)) && readManifest(out) !== undefined) stores.push([out, readStore(out)]);
  const [firstDir, first] = stores[0]!;
  for (const [dir, s] of stores.slice(1)) {
    try {
      checkSameSweep(dir, s.manifest, { specHash: first.manifest.specHash, modelVersion: first.manifest.modelVersion, name: first.manifest.spec.name });
    } catch (e) {
      if (e instanceof InputError) e.message = `cannot merge ${dir} with ${firstDir}: ${e.message}`;
      throw e;
    }
  }
  const points = expandSpec(first.manifest.spec, first.manifest.modelVersion);
  const ids = new Set(points.map((p) => p.id));
  const byId = new Map<string, SweepRow>();
  let duplicates = 0;
  for (const [dir, s] of stores) {
    for (const row of s.rows) {
      if (!ids.has(row.id)) throw new InputError(dir, `holds row ${row.id} that is not a point of its own spec`, 'stores written by vmft sweep');
      const had = byId.get(row.id);
      if (had !== undefined) duplicates++;
      byId.set(row.id, had === undefined ? row : better(had, row));
    }
  }
  const rows = [...byId.values()].sort((a, b) => a.index - b.index);
  const times = stores.map(([, s]) => s.manifest);
  const ended = times.map((m) => m.endedAt).filter((t): t is string => t !== null);
  const manifest: SweepManifest = {
    ...first.manifest,
    toolkitVersion: TOOLKIT_VERSION,
    shard: null,
    startedAt: times.map((m) => m.startedAt).sort()[0]!,
    endedAt: ended.length === 0 ? null : ended.sort()[ended.length - 1]!,
  };
  ensureWritableDir(out, 'merged store folder');
  writeFileAtomic(join(out, RUNS_FILE), rows.map((r) => JSON.stringify(r) + '\n').join(''));
  writeManifest(out, manifest);
  return { manifest, rows, missing: points.length - rows.length, duplicates };
}

