import { closeSync, existsSync, ftruncateSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../params/index.js';
import type { SweepRow } from './row.js';
import type { SweepSpec } from './spec.js';

export const MANIFEST_FILE = 'sweep.json';
export const RUNS_FILE = 'runs.jsonl';

/** sweep.json: what a store holds, so resume and merge can refuse a different spec. */
export interface SweepManifest {
  readonly spec: SweepSpec;
  readonly specHash: string;
  readonly modelVersion: string;
  readonly toolkitVersion: string;
  /** Points in the whole sweep (all shards). */
  readonly points: number;
  /** `i/n` when this store holds one shard; null for the whole sweep or a merge. */
  readonly shard: string | null;
  /** ISO times: first start into this store, end of the last session (null while running). */
  readonly startedAt: string;
  readonly endedAt: string | null;
}

export interface StoreContents {
  readonly manifest: SweepManifest;
  /** Sorted by index, one per id. */
  readonly rows: SweepRow[];
  /** Bytes of a torn last line that were ignored (0 for a clean file). */
  readonly tornBytes: number;
}

/** Write a file whole or not at all: readers never see half a manifest. */
export function writeFileAtomic(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

export function readManifest(dir: string): SweepManifest | undefined {
  const path = join(dir, MANIFEST_FILE);
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as SweepManifest;
  } catch (e) {
    throw new InputError(path, `unreadable manifest (${(e as Error).message})`, 'a store written by vmft sweep or vmft merge');
  }
}

export function writeManifest(dir: string, manifest: SweepManifest): void {
  writeFileAtomic(join(dir, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n');
}

interface ParsedRuns {
  readonly rows: SweepRow[];
  /** Byte length of the complete lines; anything after is a torn line. */
  readonly goodBytes: number;
  readonly tornBytes: number;
}

/**
 * Parse runs.jsonl. A last line without its newline is torn (a process killed mid-write) and is
 * reported rather than parsed; a bad complete line is corruption and refused.
 */
function parseRuns(path: string): ParsedRuns {
  if (!existsSync(path)) return { rows: [], goodBytes: 0, tornBytes: 0 };
  const buf = readFileSync(path);
  const end = buf.lastIndexOf(0x0a) + 1;
  const rows: SweepRow[] = [];
  const lines = buf.subarray(0, end).toString('utf8').split('\n');
  lines.pop();
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      rows.push(JSON.parse(line) as SweepRow);
    } catch {
      throw new InputError(`${path}:${i + 1}`, 'corrupt line in the middle of the store', 'a runs.jsonl of complete JSON lines (only the last line may be torn)');
    }
  });
  return { rows, goodBytes: end, tornBytes: buf.length - end };
}

/** One row per id (the first written wins), sorted by grid index. */
export function uniqueSorted(rows: Iterable<SweepRow>): SweepRow[] {
  const byId = new Map<string, SweepRow>();
  for (const r of rows) if (!byId.has(r.id)) byId.set(r.id, r);
  return [...byId.values()].sort((a, b) => a.index - b.index);
}

/** Read a store without changing it (a torn last line is skipped, not removed). */
export function readStore(dir: string): StoreContents {
  const manifest = readManifest(dir);
  if (manifest === undefined)
    throw new InputError(dir, `not a sweep store (no ${MANIFEST_FILE})`, 'a folder written by vmft sweep or vmft merge');
  const runs = parseRuns(join(dir, RUNS_FILE));
  return { manifest, rows: uniqueSorted(runs.rows), tornBytes: runs.tornBytes };
}

/** Refuse a store that belongs to another sweep, saying what it holds and what would do. */
export function checkSameSweep(dir: string, have: SweepManifest, want: { specHash: string; modelVersion: string; name?: string }): void {
  const label = (m: { name?: string; specHash: string }): string => `${m.name === undefined ? 'an unnamed sweep' : `sweep "${m.name}"`} (spec ${m.specHash.slice(0, 12)})`;
  if (have.specHash !== want.specHash)
    throw new InputError(
      dir,
      `holds ${label({ name: have.spec.name, specHash: have.specHash })}, not this spec's ${label(want)}: a different spec is never mixed into a store`,
      'an empty or new folder, or the store of this same spec to resume it',
    );
  if (have.modelVersion !== want.modelVersion)
    throw new InputError(
      dir,
      `was written by model version ${have.modelVersion}; this toolkit simulates version ${want.modelVersion}, so its point ids differ`,
      'a new folder for this model version',
    );
}

/**
 * An open store for one sweep session: existing rows (after cutting a torn last line away so
 * its point reruns) and an append handle that writes each row as one line at once.
 */
export class StoreWriter {
  private fd: number | undefined;

  private constructor(
    readonly dir: string,
    readonly existing: SweepRow[],
    readonly truncatedBytes: number,
  ) {
    this.fd = openSync(join(dir, RUNS_FILE), 'a');
  }

  /** Open (creating) a store for `manifest`'s sweep; refuses one of another spec. */
  static open(dir: string, manifest: SweepManifest): StoreWriter {
    mkdirSync(dir, { recursive: true });
    const old = readManifest(dir);
    const runsPath = join(dir, RUNS_FILE);
    if (old !== undefined) checkSameSweep(dir, old, { specHash: manifest.specHash, modelVersion: manifest.modelVersion, name: manifest.spec.name });
    else if (existsSync(runsPath) && readFileSync(runsPath).length > 0)
      throw new InputError(dir, `has a ${RUNS_FILE} but no ${MANIFEST_FILE}, so its spec is unknown`, 'an empty or new folder');
    const runs = parseRuns(runsPath);
    if (runs.tornBytes > 0) {
      const fd = openSync(runsPath, 'r+');
      try {
        ftruncateSync(fd, runs.goodBytes);
      } finally {
        closeSync(fd);
      }
    }
    writeManifest(dir, { ...manifest, startedAt: old?.startedAt ?? manifest.startedAt, endedAt: null });
    return new StoreWriter(dir, runs.rows, runs.tornBytes);
  }

  /** One write call per line: a kill can tear at most the line being written. */
  append(row: SweepRow): void {
    if (this.fd === undefined) throw new Error('store is closed');
    writeSync(this.fd, JSON.stringify(row) + '\n');
  }

  /** Close and stamp the end time into the manifest. */
  close(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
    const m = readManifest(this.dir);
    if (m !== undefined) writeManifest(this.dir, { ...m, endedAt: new Date().toISOString() });
  }
}
