import { gzipSync } from 'node:zlib';
import type { RandomStream } from '../../sim/index.js';
import type { PageMemory } from '../../vm/index.js';
import { GZIP_NS_PER_PAGE, XOR_RLE_NS_PER_PAGE } from './costs.js';

export const COMPRESSION_METHODS = ['none', 'xor-rle', 'hybrid'] as const;
export type CompressionMethod = (typeof COMPRESSION_METHODS)[number];

/** Hybrid keeps XOR+RLE only when it compresses at least this well (docs/design.md#engines). */
export const HYBRID_MIN_XOR_RATIO = 5;

/**
 * How a guest that has no real bytes changes its pages — declared by the workload as parameters
 * (`workload.bytesChangedPerWrite`, `workload.runsPerWrite`, `workload.pageEntropyBits`). Pages
 * are synthesised from it and really compressed, so ratios come from bytes, never a constant. A
 * workload that declares nothing is taken to rewrite whole pages with random bytes (ratio ≈ 1).
 */
export interface PageWriteModel {
  /** Bytes one page write changes. */
  readonly bytesChangedPerWrite: number;
  /** Contiguous runs those bytes form. */
  readonly runsPerWrite: number;
  /** Information per byte of page content (8 = random, ~2–4 = text, code, pointers). */
  readonly entropyBits: number;
}

export const UNDECLARED_MODEL = (pageBytes: number): PageWriteModel => ({ bytesChangedPerWrite: pageBytes, runsPerWrite: 1, entropyBits: 8 });

/**
 * Size of the XOR+RLE encoding of `cur` against `prev` (Remus §5 / the hybrid scheme): the XOR is
 * zero wherever the page did not change; runs of zeros cost 2 bytes (a length), literal runs 2
 * bytes plus the bytes. `prev = null` encodes against a zero page.
 */
export function xorRleSize(prev: Uint8Array | null, cur: Uint8Array): number {
  let size = 0;
  let i = 0;
  const n = cur.length;
  while (i < n) {
    let z = i;
    while (z < n && (prev === null ? cur[z] : cur[z]! ^ prev[z]!) === 0) z++;
    if (z > i) size += 2;
    i = z;
    let l = i;
    while (l < n && (prev === null ? cur[l] : cur[l]! ^ prev[l]!) !== 0) l++;
    if (l > i) size += 2 + (l - i);
    i = l;
  }
  return size;
}

/** The XOR of two pages (or the page itself against zero). */
function xorOf(prev: Uint8Array | null, cur: Uint8Array): Uint8Array {
  if (prev === null) return cur;
  const out = new Uint8Array(cur.length);
  for (let i = 0; i < cur.length; i++) out[i] = cur[i]! ^ prev[i]!;
  return out;
}

/** gzip (node's zlib, level 6) size, never more than sending the bytes raw. */
export function gzipSize(data: Uint8Array): number {
  return Math.min(data.length, gzipSync(data).length);
}

/** Compressed size of one page and the domain-0 CPU it cost. */
interface PageCost {
  bytes: number;
  cpuNs: number;
}

/**
 * The bounded cache of last-sent page copies XOR needs (keyed by page; LRU). For content-backed
 * guests it keeps the bytes; otherwise the version, which with the write model gives the number
 * of writes since the copy was sent.
 */
export class PageCache {
  private readonly map = new Map<number, { version: number; bytes: Uint8Array | null }>();
  constructor(readonly capacityPages: number) {}

  get size(): number {
    return this.map.size;
  }

  get(page: number): { version: number; bytes: Uint8Array | null } | undefined {
    return this.map.get(page);
  }

  put(page: number, version: number, bytes: Uint8Array | null): void {
    if (this.capacityPages <= 0) return;
    this.map.delete(page);
    this.map.set(page, { version, bytes });
    if (this.map.size > this.capacityPages) {
      const oldest = this.map.keys().next().value as number;
      this.map.delete(oldest);
    }
  }
}

/** Up to this many writes since the cached copy are distinguished; more count as this many. */
const MAX_WRITES_CLASS = 16;
/** Synthesised samples per class: their mean stands for every page of that class. */
const SAMPLES_PER_CLASS = 8;

/**
 * Compresses a checkpoint's pages with `xor-rle` or `hybrid` and reports wire bytes and CPU.
 * Content-backed guests: the real bytes of each page against the cached copy. Others: pages
 * synthesised from the declared write model (memoised per "cached? × writes since" class).
 */
export class CheckpointCompressor {
  private readonly cache: PageCache;
  private readonly memo = new Map<number, PageCost>();
  private rawBytes = 0;
  private wireBytes = 0;

  constructor(
    readonly method: Exclude<CompressionMethod, 'none'>,
    private readonly pageBytes: number,
    cachePages: number,
    private readonly model: PageWriteModel,
    private readonly rng: RandomStream,
    /** Domain-0 CPU per page compressed (the host profile's xorRleNsPerPage and gzipNsPerPage). */
    private readonly cpuCost: { readonly xorRleNsPerPage: number; readonly gzipNsPerPage: number } = { xorRleNsPerPage: XOR_RLE_NS_PER_PAGE, gzipNsPerPage: GZIP_NS_PER_PAGE },
  ) {
    this.cache = new PageCache(cachePages);
  }

  /** Overall raw ÷ compressed so far (1 before anything was sent). */
  get ratio(): number {
    return this.wireBytes > 0 ? this.rawBytes / this.wireBytes : 1;
  }

  /**
   * Compress the staged pages (`pages[i]` at `versions[i]`; `bytes` holds their content, page
   * after page, for content-backed guests). Updates the cache as the pages are sent.
   */
  compress(pages: Int32Array, versions: Uint32Array, bytes: Uint8Array | null): PageCost {
    let out = 0;
    let cpu = 0;
    const pb = this.pageBytes;
    for (let i = 0; i < pages.length; i++) {
      const page = pages[i]!;
      const cached = this.cache.get(page);
      let c: PageCost;
      if (bytes !== null) {
        const cur = bytes.subarray(i * pb, (i + 1) * pb);
        c = this.realCost(cached?.bytes ?? null, cur);
        this.cache.put(page, versions[i]!, cur.slice());
      } else {
        const writes = cached === undefined ? 0 : Math.min(MAX_WRITES_CLASS, Math.max(1, versions[i]! - cached.version));
        c = this.modelCost(writes);
        this.cache.put(page, versions[i]!, null);
      }
      out += c.bytes;
      cpu += c.cpuNs;
    }
    this.rawBytes += pages.length * pb;
    this.wireBytes += out;
    return { bytes: out, cpuNs: cpu };
  }

  /** Real bytes: XOR+RLE against the cached copy; hybrid falls back to gzip. */
  private realCost(prev: Uint8Array | null, cur: Uint8Array): PageCost {
    const pb = this.pageBytes;
    const rle = Math.min(pb, xorRleSize(prev, cur));
    const xor = this.cpuCost.xorRleNsPerPage;
    if (this.method === 'xor-rle') return { bytes: rle, cpuNs: xor };
    if (prev !== null && rle * HYBRID_MIN_XOR_RATIO <= pb) return { bytes: rle, cpuNs: xor };
    const gz = gzipSize(xorOf(prev, cur));
    return { bytes: Math.min(gz, pb), cpuNs: xor + this.cpuCost.gzipNsPerPage };
  }

  /** Model-based: memoised mean over synthesised pages of this class (0 writes = not cached). */
  private modelCost(writes: number): PageCost {
    const hit = this.memo.get(writes);
    if (hit !== undefined) return hit;
    let bytes = 0;
    let cpu = 0;
    for (let k = 0; k < SAMPLES_PER_CLASS; k++) {
      const base = synthPage(this.rng, this.pageBytes, this.model.entropyBits);
      if (writes === 0) {
        const c = this.realCost(null, base);
        bytes += c.bytes;
        cpu += c.cpuNs;
        continue;
      }
      const cur = base.slice();
      for (let w = 0; w < writes; w++) applyWrite(this.rng, cur, this.model);
      const c = this.realCost(base, cur);
      bytes += c.bytes;
      cpu += c.cpuNs;
    }
    const cost = { bytes: bytes / SAMPLES_PER_CLASS, cpuNs: cpu / SAMPLES_PER_CLASS };
    this.memo.set(writes, cost);
    return cost;
  }
}

/** A page of `entropyBits` bits per byte: symbols from an alphabet of 2^bits byte values. */
export function synthPage(rng: RandomStream, pageBytes: number, entropyBits: number): Uint8Array {
  const page = new Uint8Array(pageBytes);
  for (let i = 0; i < pageBytes; i++) page[i] = symbol(rng, entropyBits);
  return page;
}

function symbol(rng: RandomStream, entropyBits: number): number {
  const bits = Math.max(0, Math.min(8, entropyBits));
  if (bits === 0) return 0;
  const alphabet = Math.max(2, Math.round(Math.pow(2, bits)));
  // Spread the alphabet over the byte range; a fractional entropy rounds to the nearest alphabet.
  return Math.floor((rng.int(alphabet) * 255) / Math.max(1, alphabet - 1)) & 0xff;
}

/** One page write of the model: `runsPerWrite` runs totalling `bytesChangedPerWrite` new bytes. */
function applyWrite(rng: RandomStream, page: Uint8Array, m: PageWriteModel): void {
  const runs = Math.max(1, Math.round(m.runsPerWrite));
  const total = Math.max(1, Math.min(page.length, Math.round(m.bytesChangedPerWrite)));
  const per = Math.max(1, Math.floor(total / runs));
  for (let r = 0; r < runs; r++) {
    const start = rng.int(Math.max(1, page.length - per + 1));
    for (let i = start; i < start + per; i++) {
      // A changed byte differs from the old one (else nothing changed).
      let v = symbol(rng, m.entropyBits);
      if (v === page[i]) v = (v + 1) & 0xff;
      page[i] = v;
    }
  }
}

/** The staged bytes of `pages` from `memory` (content-backed), page after page. */
export function stageBytes(memory: PageMemory, pages: Int32Array): Uint8Array | null {
  if (memory.bytes === null) return null;
  const pb = memory.pageBytes;
  const out = new Uint8Array(pages.length * pb);
  for (let i = 0; i < pages.length; i++) out.set(memory.bytes.subarray(pages[i]! * pb, (pages[i]! + 1) * pb), i * pb);
  return out;
}
