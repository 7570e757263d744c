import type { PageMemory } from '../../lib/vm/index.js';

/**
 * The key-value store's data structure, laid out in the guest's content-backed memory bytes: an
 * open-addressing hash table (linear probing) of fixed-size slots. Everything the store knows
 * lives in those bytes — there is no JS-side copy of the truth — so a guest resumed on a migration
 * target or a Remus backup answers from exactly the bytes it received.
 *
 * Memory layout (little-endian):
 *   page 0 (header): 0 magic "KVS1" · 4 u32 slot count · 8 u32 slot bytes · 12 u32 key bytes ·
 *                    16 u32 value bytes · 24 f64 applied writes (a hot counter page, like a log tail)
 *   page 1 …       : slots, `slotBytes` each:
 *                    0 u8 state (0 empty, 1 used) · 2 u16 key length · 4 u32 value length ·
 *                    8 f64 version · 16 key bytes · 16 + keyBytes value bytes
 *
 * A replicated store (versions assigned by the total order, not by the client) keeps the client's
 * write id beside the version: its slot header has 8 more bytes — 16 f64 writer — and key and value
 * follow at 24. The plain layout is unchanged.
 */
export const KV_MAGIC = 0x3153564b; // "KVS1"
export const SLOT_HEADER_BYTES = 16;
/** Slot header of a replicated store: version and writer. */
export const WRITER_SLOT_HEADER_BYTES = 24;

export interface KvGeometry {
  readonly keyBytes: number;
  readonly valueBytes: number;
  /** Number of slots: a power of two ≥ 2 × records (load factor ≤ 0.5 keeps probes short). */
  readonly slots: number;
  readonly slotBytes: number;
  /** Slot header bytes: 16, or 24 with a writer field. */
  readonly headerBytes: number;
  /** Slots keep the writer (the client's write id) beside an order-assigned version. */
  readonly withWriter: boolean;
  /** Byte offset of slot 0 (page 1). */
  readonly base: number;
  /** Bytes used from offset 0. */
  readonly endByte: number;
}

export function kvGeometry(records: number, keyBytes: number, valueBytes: number, pageBytes: number, withWriter = false): KvGeometry {
  let slots = 1;
  while (slots < 2 * records) slots *= 2;
  const headerBytes = withWriter ? WRITER_SLOT_HEADER_BYTES : SLOT_HEADER_BYTES;
  const slotBytes = Math.ceil((headerBytes + keyBytes + valueBytes) / 8) * 8;
  const base = pageBytes;
  return { keyBytes, valueBytes, slots, slotBytes, headerBytes, withWriter, base, endByte: base + slots * slotBytes };
}

const encoder = new TextEncoder();

/** The key of record i, as YCSB names them ("user" + number), padded with '0' to `keyBytes`. */
export function keyOf(i: number, keyBytes: number): string {
  const digits = String(i);
  return 'user' + digits.padStart(Math.max(0, keyBytes - 4), '0');
}

/** FNV-1a over bytes. */
export function fnv1a(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) {
    h ^= bytes[i]!;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * The value written by write `version` of record `key`: deterministic bytes (xorshift32 seeded from
 * both), so a reader can check that the bytes it got are exactly some version's bytes.
 */
export function valueOf(key: number, version: number, valueBytes: number): Uint8Array {
  const out = new Uint8Array(valueBytes);
  let x = (Math.imul(key + 1, 0x9e3779b1) ^ Math.imul((version % 0x100000000) + 7, 0x85ebca6b) ^ Math.floor(version / 0x100000000)) >>> 0;
  if (x === 0) x = 0x6d2b79f5;
  for (let i = 0; i < valueBytes; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

export interface KvRecord {
  readonly version: number;
  /** The client's write id that stored it (the version itself in a plain store). */
  readonly writer: number;
  readonly value: Uint8Array;
}

/** Operations on the table in `memory` (always pass the VM's current memory: it changes at a switch). */
export class KvTable {
  constructor(readonly geo: KvGeometry) {}

  /** Write the header and empty slots (the guest's memory starts zeroed: only the header is written). */
  format(memory: PageMemory): void {
    const h = new Uint8Array(32);
    const v = new DataView(h.buffer);
    v.setUint32(0, KV_MAGIC, true);
    v.setUint32(4, this.geo.slots, true);
    v.setUint32(8, this.geo.slotBytes, true);
    v.setUint32(12, this.geo.keyBytes, true);
    v.setUint32(16, this.geo.valueBytes, true);
    v.setFloat64(24, 0, true);
    memory.writeBytes(0, h);
  }

  /** The slot holding `key`, or the empty slot where it would go; −1 when the table is full. */
  private find(memory: PageMemory, keyBytes: Uint8Array): { slot: number; used: boolean } | null {
    const { slots, slotBytes, base } = this.geo;
    let s = fnv1a(keyBytes) & (slots - 1);
    for (let probes = 0; probes < slots; probes++) {
      const off = base + s * slotBytes;
      const head = memory.readBytes(off, SLOT_HEADER_BYTES);
      if (head[0] === 0) return { slot: s, used: false };
      const klen = head[2]! | (head[3]! << 8);
      if (klen === keyBytes.length) {
        const k = memory.readBytes(off + this.geo.headerBytes, klen);
        let eq = true;
        for (let i = 0; i < klen; i++)
          if (k[i] !== keyBytes[i]) {
            eq = false;
            break;
          }
        if (eq) return { slot: s, used: true };
      }
      s = (s + 1) & (slots - 1);
    }
    return null;
  }

  /** Read a key: its version and value bytes as stored, or null when absent. */
  get(memory: PageMemory, key: string): KvRecord | null {
    const kb = encoder.encode(key);
    const f = this.find(memory, kb);
    if (f === null || !f.used) return null;
    const off = this.geo.base + f.slot * this.geo.slotBytes;
    const hb = this.geo.headerBytes;
    const head = memory.readBytes(off, hb);
    const dv = new DataView(head.buffer, head.byteOffset, head.byteLength);
    const vlen = Math.min(dv.getUint32(4, true), this.geo.valueBytes);
    const version = dv.getFloat64(8, true);
    return { version, writer: this.geo.withWriter ? dv.getFloat64(16, true) : version, value: memory.readBytes(off + hb + this.geo.keyBytes, vlen) };
  }

  /**
   * Write a key: stores (version, value) unless the slot already holds a newer version. In a plain
   * store versions are the clients' write timestamps: the newest wins, whatever order writes arrive
   * in. In a replicated store they are positions in the total order (always newer) and `writer`
   * (the client's write id) is stored beside. Returns the version stored afterwards. Touches the
   * slot's pages and the header's counter page.
   */
  put(memory: PageMemory, key: string, version: number, value: Uint8Array, writer = version): number {
    const kb = encoder.encode(key);
    if (kb.length > this.geo.keyBytes) throw new Error(`key ${key} longer than ${this.geo.keyBytes} bytes`);
    const f = this.find(memory, kb);
    if (f === null) throw new Error('kvstore table full');
    const off = this.geo.base + f.slot * this.geo.slotBytes;
    if (f.used) {
      const head = memory.readBytes(off, SLOT_HEADER_BYTES);
      const stored = new DataView(head.buffer, head.byteOffset, head.byteLength).getFloat64(8, true);
      if (stored > version) return stored;
    }
    const hb = this.geo.headerBytes;
    const rec = new Uint8Array(hb + this.geo.keyBytes + value.length);
    const dv = new DataView(rec.buffer);
    rec[0] = 1;
    dv.setUint16(2, kb.length, true);
    dv.setUint32(4, value.length, true);
    dv.setFloat64(8, version, true);
    if (this.geo.withWriter) dv.setFloat64(16, writer, true);
    rec.set(kb, hb);
    rec.set(value, hb + this.geo.keyBytes);
    memory.writeBytes(off, rec);
    // The applied-writes counter in the header page: a page dirtied by every write.
    const c = memory.readBytes(24, 8);
    const cv = new DataView(c.buffer, c.byteOffset, 8);
    cv.setFloat64(0, cv.getFloat64(0, true) + 1, true);
    memory.writeBytes(24, c);
    return version;
  }

  /**
   * Read-modify-write: the record as it was (null when absent), then `put`. The reply depends on
   * every earlier write to the key, so replicas that execute writes in different orders answer
   * differently.
   */
  rmw(memory: PageMemory, key: string, version: number, value: Uint8Array, writer = version): { prior: KvRecord | null; stored: number } {
    const prior = this.get(memory, key);
    return { prior, stored: this.put(memory, key, version, value, writer) };
  }

  /** Writes applied so far, as the header page says. */
  appliedWrites(memory: PageMemory): number {
    const c = memory.readBytes(24, 8);
    return new DataView(c.buffer, c.byteOffset, 8).getFloat64(0, true);
  }

  /** Byte offset of the slot holding `key` (tests corrupt it), or −1. */
  slotOffset(memory: PageMemory, key: string): number {
    const f = this.find(memory, encoder.encode(key));
    return f === null || !f.used ? -1 : this.geo.base + f.slot * this.geo.slotBytes;
  }
}
