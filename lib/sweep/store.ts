import { closeSync, existsSync, ftruncateSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { InputError } from '../params/index.js';
import type { SweepRow } from './row.js';
import type { SweepSpec } from './spec.js';

export const MANIFEST_FILE = 'sweep.json';
export const RUNS_FILE = 'runs.jsonl';
/** Held by the sweep writing into a store: a second sweep into it is refused. */
export const LOCK_FILE = 'sweep.lock';

const errCode = (e: unknown): string => (e as NodeJS.ErrnoException).code ?? String(e);

/**
 * Make sure `dir` is a folder vmft can write in, creating it (and missing parents) if needed:
 * bad input naming the path otherwise — a file, a read-only or virtual file system (/proc), no
 * permission. Parents are created one by one (a recursive mkdir never returns under /proc).
 */
export function ensureWritableDir(dir: string, what = 'output folder'): void {
  const allowed = `a folder vmft can create and write in`;
  const missing: string[] = [];
  let p = resolve(dir);
  for (;;) {
    let st;
    try {
      st = statSync(p);
    } catch (e) {
      if (errCode(e) !== 'ENOENT') throw new InputError(dir, `${what} cannot be used (${errCode(e)} at ${p})`, allowed);
      missing.push(p);
      const up = dirname(p);
      if (up === p) throw new InputError(dir, `${what} has no existing parent`, allowed);
      p = up;
      continue;
    }
    if (!st.isDirectory()) throw new InputError(dir, `${what} is not a folder (${p} is a file)`, allowed);
    break;
  }
  for (const m of missing.reverse()) {
    try {
      mkdirSync(m);
    } catch (e) {
      if (errCode(e) !== 'EEXIST') throw new InputError(dir, `${what} cannot be created (${errCode(e)} at ${m})`, allowed);
    }
  }
  // A probe file: permissions, read-only mounts and /proc all show here, before anything is written.
  const probe = join(dir, `.vmft-probe-${process.pid}`);
  try {
    writeFileSync(probe, '');
    rmSync(probe);
  } catch (e) {
    throw new InputError(dir, `${what} is not writable (${errCode(e)})`, allowed);
  }
}

function isRecordValue(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The manifest fields resume, merge and readers rely on; anything else is not a store. */
function checkManifest(path: string, m: unknown): SweepManifest {
  const ok =
    isRecordValue(m) &&
    isRecordValue(m.spec) &&
    typeof m.specHash === 'string' &&
    typeof m.modelVersion === 'string' &&
    typeof m.points === 'number' &&
    typeof m.startedAt === 'string';
  if (!ok) throw new InputError(path, 'is not a sweep manifest (spec, specHash, modelVersion, points, startedAt)', 'a store written by vmft sweep or vmft merge');
  return m as unknown as SweepManifest;
}

/** A row as runs.jsonl holds it: an object with its point id and grid index at least. */
function isRow(v: unknown): v is SweepRow {
  return isRecordValue(v) && typeof v.id === 'string' && typeof v.index === 'number' && typeof v.status === 'string';
}

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
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new InputError(path, `unreadable manifest (${(e as Error).message})`, 'a store written by vmft sweep or vmft merge');
  }
  return checkManifest(path, value);
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
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch {
      throw new InputError(`${path}:${i + 1}`, 'corrupt line in the middle of the store', 'a runs.jsonl of complete JSON lines (only the last line may be torn)');
    }
    if (!isRow(row)) throw new InputError(`${path}:${i + 1}`, `is not a run row (${line.length > 40 ? line.slice(0, 37) + '…' : line})`, 'one JSON object per line with id, index and status');
    rows.push(row);
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
    private readonly lock: string,
  ) {
    this.fd = openSync(join(dir, RUNS_FILE), 'a');
  }

  /**
   * Open (creating) a store for `manifest`'s sweep, whose points have the ids `ids` (when given).
   * Refuses — before changing anything — a store of another spec, one holding rows of other
   * points, a corrupt one, and one another sweep is writing into (its lock is held).
   */
  static open(dir: string, manifest: SweepManifest, ids?: ReadonlySet<string>): StoreWriter {
    ensureWritableDir(dir, 'store folder');
    const lock = acquireLock(dir);
    let runs: ParsedRuns;
    let old: SweepManifest | undefined;
    const runsPath = join(dir, RUNS_FILE);
    try {
      old = readManifest(dir);
      if (old !== undefined) checkSameSweep(dir, old, { specHash: manifest.specHash, modelVersion: manifest.modelVersion, name: manifest.spec.name });
      else if (existsSync(runsPath) && readFileSync(runsPath).length > 0)
        throw new InputError(dir, `has a ${RUNS_FILE} but no ${MANIFEST_FILE}, so its spec is unknown`, 'an empty or new folder');
      runs = parseRuns(runsPath);
      const foreign = ids === undefined ? undefined : runs.rows.find((r) => !ids.has(r.id));
      if (foreign !== undefined) throw new InputError(dir, `holds row ${foreign.id} (index ${foreign.index}) that is not a point of this spec`, 'a store written by this spec');
    } catch (e) {
      releaseLock(lock);
      throw e;
    }
    if (runs.tornBytes > 0) {
      const fd = openSync(runsPath, 'r+');
      try {
        ftruncateSync(fd, runs.goodBytes);
      } finally {
        closeSync(fd);
      }
    }
    writeManifest(dir, { ...manifest, startedAt: old?.startedAt ?? manifest.startedAt, endedAt: null });
    return new StoreWriter(dir, runs.rows, runs.tornBytes, lock);
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
    try {
      const m = readManifest(this.dir);
      if (m !== undefined) writeManifest(this.dir, { ...m, endedAt: new Date().toISOString() });
    } finally {
      releaseLock(this.lock);
    }
  }
}

/** Whether process `pid` is alive on this machine. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return errCode(e) === 'EPERM';
  }
}

/**
 * Take the store's lock file (created exclusively, holding our pid). A lock whose process is gone
 * (a sweep killed hard) is taken over; a live one refuses the store.
 */
function acquireLock(dir: string): string {
  const path = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return path;
    } catch (e) {
      if (errCode(e) !== 'EEXIST') throw new InputError(dir, `store folder cannot be locked (${errCode(e)})`, 'a folder vmft can create and write in');
    }
    const pid = Number.parseInt(readFileSync(path, 'utf8'), 10);
    if (Number.isInteger(pid) && pid > 0 && alive(pid))
      throw new InputError(dir, `is in use by another sweep (process ${pid} holds ${LOCK_FILE})`, 'wait until that sweep ends, or another folder');
    rmSync(path, { force: true }); // stale: its sweep is gone
  }
  throw new InputError(dir, `store folder lock ${LOCK_FILE} could not be taken`, 'a folder no other sweep writes into');
}

function releaseLock(path: string): void {
  rmSync(path, { force: true });
}
