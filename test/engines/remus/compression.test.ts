import { describe, expect, it } from 'vitest';
import { RandomStreams } from '../../../lib/sim/index.js';
import { CheckpointCompressor, synthPage, xorRleSize } from '../../../lib/engines/remus/index.js';
import { PageCache, UNDECLARED_MODEL, gzipSize, stageBytes, type PageWriteModel } from '../../../lib/engines/remus/compression.js';
import { GZIP_NS_PER_PAGE, XOR_RLE_NS_PER_PAGE } from '../../../lib/engines/remus/costs.js';
import { PageMemory } from '../../../lib/vm/index.js';
import { remusRun } from './harness.js';

describe('XOR + RLE', () => {
  it('an unchanged page costs one zero-run header; changed runs cost their bytes', () => {
    const a = new Uint8Array(4096).fill(7);
    expect(xorRleSize(a, a.slice())).toBe(2);
    const b = a.slice();
    b.fill(9, 100, 164);
    expect(xorRleSize(a, b)).toBe(2 + (2 + 64) + 2);
    // Against a zero page (not cached): a page of random bytes does not compress.
    const rng = new RandomStreams(1).stream('t');
    expect(xorRleSize(null, synthPage(rng, 4096, 8))).toBeGreaterThan(4000);
  });

  it('real bytes of a content-backed page: the cached copy makes the second send small', () => {
    const rng = new RandomStreams(2).stream('t');
    const c = new CheckpointCompressor('xor-rle', 4096, 16, { bytesChangedPerWrite: 1, runsPerWrite: 1, entropyBits: 8 }, rng);
    const page = synthPage(rng, 4096, 8);
    const first = c.compress(Int32Array.of(3), Uint32Array.of(1), page);
    page[10] = page[10]! ^ 0xff;
    const second = c.compress(Int32Array.of(3), Uint32Array.of(2), page);
    expect(first.bytes).toBeGreaterThan(4000);
    expect(second.bytes).toBeLessThan(10);
  });
});

describe('checkpoint compression on the kernel-build stream (C6)', () => {
  const run = (method: string) =>
    remusRun('kernel-compile', { 'remus.compression': method, 'remus.checkpointsPerS': 40, 'workload.workS': 15, 'run.durationS': 60 }).metrics as Record<string, number>;

  it('hybrid beats xor-rle, which beats none; ratios come from the declared write model', () => {
    const none = run('none');
    const xor = run('xor-rle');
    const hybrid = run('hybrid');
    expect(none.compressionRatio).toBe(1);
    expect(xor.compressionRatio).toBeGreaterThan(2);
    expect(hybrid.compressionRatio).toBeGreaterThan(xor.compressionRatio!);
    // C6: hybrid ≈10:1 typically (reported 3–5 MB/s out of 35–50 MB/s raw).
    expect(hybrid.compressionRatio).toBeGreaterThan(6);
    expect(hybrid.compressionRatio).toBeLessThan(16);
    expect(hybrid.replicationMbps).toBeLessThan(xor.replicationMbps!);
  });

  it('a different declared model gives a different ratio (never a constant)', () => {
    const coarse = remusRun('kernel-compile', { 'remus.compression': 'hybrid', 'workload.workS': 10, 'workload.bytesChangedPerWrite': 2048, 'workload.runsPerWrite': 1, 'run.durationS': 60 }).metrics;
    const fine = remusRun('kernel-compile', { 'remus.compression': 'hybrid', 'workload.workS': 10, 'workload.bytesChangedPerWrite': 64, 'workload.runsPerWrite': 1, 'run.durationS': 60 }).metrics;
    expect(fine.compressionRatio).toBeGreaterThan(coarse.compressionRatio * 1.5);
  });
});

describe('XOR + RLE sizes, exactly', () => {
  it('a page with no zero byte, against a zero page, is one literal run', () => {
    expect(xorRleSize(null, new Uint8Array(64).fill(5))).toBe(2 + 64);
    expect(xorRleSize(null, new Uint8Array(64))).toBe(2);
  });

  it('alternating runs each cost their header, literal runs their bytes too', () => {
    const prev = new Uint8Array(16);
    const cur = prev.slice();
    cur[0] = 1; // literal 1
    cur[5] = 1; // zeros 1..4, literal 1
    cur[15] = 1; // zeros 6..14, literal 1 at the very end
    expect(xorRleSize(prev, cur)).toBe(3 + 2 + 3 + 2 + 3);
  });
});

describe('PageCache: the last-sent copies, least recently sent evicted first', () => {
  it('holds at most its capacity, evicting the page sent longest ago', () => {
    const c = new PageCache(2);
    c.put(1, 1, null);
    c.put(2, 1, null);
    c.put(1, 2, null); // page 1 sent again: now the most recent
    c.put(3, 1, null);
    expect(c.size).toBe(2);
    expect(c.get(2)).toBeUndefined();
    expect(c.get(1)).toEqual({ version: 2, bytes: null });
    expect(c.get(3)).toEqual({ version: 1, bytes: null });
  });

  it('a cache of no pages keeps nothing', () => {
    const c = new PageCache(0);
    c.put(1, 1, null);
    expect(c.size).toBe(0);
    expect(c.get(1)).toBeUndefined();
  });
});

describe('CheckpointCompressor on real bytes (content-backed guests)', () => {
  const rng = () => new RandomStreams(3).stream('t');
  const whole = UNDECLARED_MODEL(64);

  it('undeclared pages are rewritten whole with random bytes', () => {
    expect(UNDECLARED_MODEL(4096)).toEqual({ bytesChangedPerWrite: 4096, runsPerWrite: 1, entropyBits: 8 });
  });

  it('compresses each staged page against its own cached copy, and charges one XOR pass per page', () => {
    const c = new CheckpointCompressor('xor-rle', 64, 16, whole, rng());
    expect(c.ratio).toBe(1);
    const staged = new Uint8Array(128);
    staged[63] = 1; // page 3: zeros, then its last byte (2 + 3)
    staged[64 + 10] = 2; // page 5: zeros, one byte, zeros (2 + 3 + 2)
    const first = c.compress(Int32Array.of(3, 5), Uint32Array.of(1, 1), staged);
    expect(first).toEqual({ bytes: 5 + 7, cpuNs: 2 * XOR_RLE_NS_PER_PAGE });
    // The next checkpoint is staged into the same buffer: only byte 20 of page 5 changed. The
    // cache kept copies, so the change shows; the unchanged page is one zero run.
    staged[64 + 20] = 9;
    const second = c.compress(Int32Array.of(3, 5), Uint32Array.of(2, 2), staged);
    expect(second).toEqual({ bytes: 2 + 7, cpuNs: 2 * XOR_RLE_NS_PER_PAGE });
    // A page never costs more than its raw bytes.
    const raw = c.compress(Int32Array.of(9), Uint32Array.of(1), new Uint8Array(64).fill(1));
    expect(raw.bytes).toBe(64);
    expect(c.ratio).toBe((5 * 64) / (first.bytes + second.bytes + raw.bytes));
  });

  it('uses the real bytes, not the declared write model, when it has them', () => {
    const c = new CheckpointCompressor('xor-rle', 64, 16, whole, rng());
    const page = new Uint8Array(64).fill(4);
    c.compress(Int32Array.of(0), Uint32Array.of(1), page);
    page[30] = 0;
    expect(c.compress(Int32Array.of(0), Uint32Array.of(2), page).bytes).toBe(2 + 3 + 2);
  });

  it('hybrid keeps XOR+RLE when it compresses at least 5:1, exactly at the threshold too', () => {
    const c = new CheckpointCompressor('hybrid', 40, 16, whole, rng());
    const page = new Uint8Array(40).fill(7);
    c.compress(Int32Array.of(0), Uint32Array.of(1), page);
    page.fill(8, 36); // XOR: 36 zeros, 4 changed bytes: 2 + 6 = 8 bytes, 40 / 8 = 5
    expect(c.compress(Int32Array.of(0), Uint32Array.of(2), page)).toEqual({ bytes: 8, cpuNs: XOR_RLE_NS_PER_PAGE });
  });

  it('hybrid falls back to gzip of the XOR (and pays for it) when XOR+RLE compresses worse', () => {
    const pb = 4096;
    const prev = synthPage(new RandomStreams(4).stream('p'), pb, 8);
    const c = new CheckpointCompressor('hybrid', pb, 16, UNDECLARED_MODEL(pb), rng());
    c.compress(Int32Array.of(0), Uint32Array.of(1), prev);
    // Every other byte flipped in its lowest bit: RLE sees 2048 one-byte literals (no gain), but
    // the XOR is a regular pattern gzip shrinks to almost nothing — unlike the random page itself.
    const cur = prev.map((b, i) => (i % 2 === 0 ? b ^ 1 : b));
    const got = c.compress(Int32Array.of(0), Uint32Array.of(2), cur);
    expect(got.cpuNs).toBe(XOR_RLE_NS_PER_PAGE + GZIP_NS_PER_PAGE);
    expect(got.bytes).toBeLessThan(100);
    expect(gzipSize(cur)).toBeGreaterThan(pb - 100);
  });

  it('hybrid gzips a page that has no cached copy, however well RLE would do', () => {
    const c = new CheckpointCompressor('hybrid', 4096, 16, UNDECLARED_MODEL(4096), rng());
    const got = c.compress(Int32Array.of(0), Uint32Array.of(1), new Uint8Array(4096));
    expect(got.cpuNs).toBe(XOR_RLE_NS_PER_PAGE + GZIP_NS_PER_PAGE);
    expect(got.bytes).toBe(gzipSize(new Uint8Array(4096)));
    expect(got.bytes).toBeGreaterThan(2);
  });
});

describe('CheckpointCompressor on the declared write model (guests without bytes)', () => {
  /** Cost of one page sent uncached, then again `writes` writes later (one fresh compressor each). */
  function resend(model: PageWriteModel, writes: number, pb = 4096) {
    const c = new CheckpointCompressor('xor-rle', pb, 16, model, new RandomStreams(5).stream('m'));
    const first = c.compress(Int32Array.of(7), Uint32Array.of(1), null);
    const again = c.compress(Int32Array.of(7), Uint32Array.of(1 + writes), null);
    return { first, again };
  }

  it('one XOR pass per page, cached or not', () => {
    const { first, again } = resend({ bytesChangedPerWrite: 8, runsPerWrite: 1, entropyBits: 8 }, 1);
    expect(first.cpuNs).toBe(XOR_RLE_NS_PER_PAGE);
    expect(again.cpuNs).toBe(XOR_RLE_NS_PER_PAGE);
  });

  it('a write of one byte costs one literal byte against the cached copy (edges aside), even on an all-zero page', () => {
    for (const entropyBits of [8, 0]) {
      const { again } = resend({ bytesChangedPerWrite: 1, runsPerWrite: 1, entropyBits }, 1);
      expect(again.bytes).toBeGreaterThan(5);
      expect(again.bytes).toBeLessThanOrEqual(2 + 3 + 2);
    }
  });

  it('a write of the whole page changes every byte of it', () => {
    const { first, again } = resend(UNDECLARED_MODEL(4096), 1);
    expect(again.bytes).toBe(4096);
    expect(first.bytes).toBe(4096);
  });

  it('the bytes of a write form the declared number of runs', () => {
    const one = resend({ bytesChangedPerWrite: 8, runsPerWrite: 1, entropyBits: 8 }, 1).again.bytes;
    const eight = resend({ bytesChangedPerWrite: 8, runsPerWrite: 8, entropyBits: 8 }, 1).again.bytes;
    expect(one).toBeLessThanOrEqual(2 + 10 + 2);
    // Eight separate one-byte literals with zero runs between them (runs rarely touch).
    expect(eight).toBeGreaterThan(30);
  });

  it('more writes since the cached copy cost more', () => {
    const model = { bytesChangedPerWrite: 64, runsPerWrite: 1, entropyBits: 8 };
    const once = resend(model, 1).again.bytes;
    const eight = resend(model, 8).again.bytes;
    expect(eight).toBeGreaterThan(4 * once);
  });
});

describe('synthPage: bytes of a declared entropy', () => {
  const rng = () => new RandomStreams(6).stream('s');

  it('0 bits: all zeros', () => {
    expect(synthPage(rng(), 256, 0).every((b) => b === 0)).toBe(true);
  });

  it('2 bits: four symbols spread over the byte range', () => {
    expect([...new Set(synthPage(rng(), 4096, 2))].sort((a, b) => a - b)).toEqual([0, 85, 170, 255]);
  });

  it('8 bits: every byte value can occur', () => {
    expect(new Set(synthPage(rng(), 4096, 8)).size).toBeGreaterThan(250);
  });
});

describe('stageBytes', () => {
  it('copies the staged pages’ bytes, page after page in staging order', () => {
    const m = new PageMemory({ pages: 4, pageBytes: 4, contentBacked: true });
    m.writeBytes(0, Uint8Array.of(1, 1, 1, 1));
    m.writeBytes(8, Uint8Array.of(3, 3, 3, 3));
    const out = stageBytes(m, Int32Array.of(2, 0));
    expect([...out!]).toEqual([3, 3, 3, 3, 1, 1, 1, 1]);
    m.writeBytes(8, Uint8Array.of(9, 9, 9, 9));
    expect(out![0]).toBe(3);
  });

  it('has nothing to stage for a memory without bytes', () => {
    expect(stageBytes(new PageMemory({ pages: 2, pageBytes: 4 }), Int32Array.of(1))).toBeNull();
  });
});
