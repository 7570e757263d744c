import { PageMemory } from '../../lib/vm/index.js';
import type { KvReply, KvRequest } from './clients.js';
import { type KvTable, fnv1a, keyOf, valueOf } from './table.js';

/**
 * The key-value store as a deterministic state machine: one request applied to the table in
 * `memory`. `orderVersion` is the request's position in the total order (1, 2, …) in a replicated
 * store — the version its write gets; without it (a plain store) the client's write id is the
 * version, and the newest wins in any order.
 */
export function executeKv(table: KvTable, memory: PageMemory, req: KvRequest, orderVersion?: number): KvReply {
  if (req.op === 'read') {
    const rec = table.get(memory, req.key);
    if (rec === null) return { found: false, version: -1 };
    return table.geo.withWriter ? { found: true, version: rec.version, writer: rec.writer, value: rec.value } : { found: true, version: rec.version, value: rec.value };
  }
  const version = orderVersion ?? req.version!;
  if (req.op === 'update') {
    const stored = table.put(memory, req.key, version, req.value!, req.version!);
    return table.geo.withWriter ? { found: true, version: stored, writer: req.version! } : { found: true, version: stored };
  }
  const { prior, stored } = table.rmw(memory, req.key, version, req.value!, req.version!);
  const before =
    prior === null
      ? { found: false, version: -1 }
      : table.geo.withWriter
        ? { found: true, version: prior.version, writer: prior.writer }
        : { found: true, version: prior.version };
  const head = table.geo.withWriter ? { found: true, version: stored, writer: req.version! } : { found: true, version: stored };
  return prior === null ? { ...head, prior: before } : { ...head, value: prior.value, prior: before };
}

/** Load phase (YCSB "load"): format the table and insert every record at version 0. */
export function loadKv(table: KvTable, memory: PageMemory, records: number): void {
  table.format(memory);
  for (let k = 0; k < records; k++) table.put(memory, keyOf(k, table.geo.keyBytes), 0, valueOf(k, 0, table.geo.valueBytes), 0);
}

/**
 * A digest of a reply: the same for identical replies, different (up to hash collisions of a
 * 32-bit FNV-1a over the value bytes) for any difference in a field or a value byte.
 */
export function kvReplyDigest(r: KvReply): string {
  const v = r.value === undefined ? 'none' : `${r.value.length}.${fnv1a(r.value).toString(16)}`;
  const p = r.prior === undefined ? '' : `|${r.prior.found ? 1 : 0},${r.prior.version},${r.prior.writer ?? ''}`;
  return `${r.found ? 1 : 0},${r.version},${r.writer ?? ''},${v}${p}`;
}

/**
 * The wrong reply a `wrong-reply` replica gives — the same rule on every faulty replica, so they
 * collude: the correct reply with every value byte inverted (a reply without a value claims the
 * record is missing). The clients' check rejects both.
 */
export function falsifyKvReply(r: KvReply): KvReply {
  if (r.value === undefined) return { ...r, found: false };
  const bad = new Uint8Array(r.value.length);
  for (let i = 0; i < bad.length; i++) bad[i] = r.value[i]! ^ 0xff;
  return { ...r, value: bad };
}

/** A fresh copy of the store as loaded at t = 0, in memory just large enough (the reference copy). */
export function freshKvMemory(table: KvTable, records: number, pageBytes: number): PageMemory {
  const pages = Math.ceil(table.geo.endByte / pageBytes);
  const memory = new PageMemory({ pages, pageBytes, contentBacked: true });
  loadKv(table, memory, records);
  return memory;
}
