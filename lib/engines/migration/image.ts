import type { DirtyLog, Disk, PageMemory } from '../../vm/index.js';

/**
 * One thing a migration pre-copies: guest memory (pages) or a local disk (blocks). The round loop
 * only needs the source's dirty log and a way to copy units to the target image.
 */
export interface Image {
  readonly resource: 'memory' | 'disk';
  readonly units: number;
  readonly unitBytes: number;
  readonly log: DirtyLog;
  /** Copy units list[from..to) from the source to the target as they are now (version and bytes). */
  copy(list: Int32Array, from: number, to: number): void;
  /** Copy the units [first, end) (a contiguous run: round 1 in address order). */
  copyRange(first: number, end: number): void;
  /** The source's unit versions now (what a unit sent now carries). */
  readonly sourceVersions: Uint32Array;
  /**
   * Copy the bytes of units [first, end) as they are now, but give the target the versions in
   * `sent` (the versions the units had when they were sent, earlier in the pass).
   */
  copyRangeAsSent(first: number, end: number, sent: Uint32Array): void;
  /** The first unit where the target differs from the source, or −1. */
  firstDifference(): number;
}

export function memoryImage(source: PageMemory, target: PageMemory): Image {
  return {
    resource: 'memory',
    units: source.pages,
    unitBytes: source.pageBytes,
    log: source.dirty,
    copy(list, from, to) {
      const sv = source.versions;
      const tv = target.versions;
      if (source.bytes === null || target.bytes === null) {
        let top = 0;
        for (let k = from; k < to; k++) {
          const p = list[k]!;
          tv[p] = sv[p]!;
          if (p >= top) top = p + 1;
        }
        target.touched(top);
      } else for (let k = from; k < to; k++) target.copyPageFrom(source, list[k]!);
    },
    copyRange(first, end) {
      // Pages at or above both images' touchedEnd are zero in both: nothing to copy, and leaving
      // them untouched spares the first-touch cost of fresh memory (most of a large idle guest).
      const stop = Math.min(end, Math.max(source.touchedEnd, target.touchedEnd));
      if (stop <= first) return;
      target.versions.set(source.versions.subarray(first, stop), first);
      if (source.bytes !== null && target.bytes !== null) {
        const b = source.pageBytes;
        target.bytes.set(source.bytes.subarray(first * b, stop * b), first * b);
      }
      target.touched(stop);
    },
    sourceVersions: source.versions,
    copyRangeAsSent(first, end, sent) {
      this.copyRange(first, end);
      target.versions.set(sent.subarray(first, end), first);
      target.touched(end);
    },
    firstDifference() {
      // memcmp first (the common case: equal), the page-by-page search only to name the page.
      // Beyond both touchedEnds both images are zero, so only the pages below are compared.
      const n = Math.max(source.touchedEnd, target.touchedEnd);
      const b = source.pageBytes;
      const same =
        equalBytes(source.versions.subarray(0, n), target.versions.subarray(0, n)) &&
        (source.bytes === null || target.bytes === null || equalBytes(source.bytes.subarray(0, n * b), target.bytes.subarray(0, n * b)));
      return same ? -1 : target.firstDifference(source);
    },
  };
}

function equalBytes(a: Uint32Array | Uint8Array, b: Uint32Array | Uint8Array): boolean {
  return a.byteLength === b.byteLength && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

export function diskImage(source: Disk, target: Disk): Image {
  return {
    resource: 'disk',
    units: source.blocks,
    unitBytes: source.blockBytes,
    log: source.dirty,
    copy(list, from, to) {
      for (let k = from; k < to; k++) {
        const b = list[k]!;
        const data = source.readBlock(b);
        target.apply(data === undefined ? { block: b, version: source.versions[b]! } : { block: b, version: source.versions[b]!, data });
      }
    },
    copyRange(first, end) {
      for (let b = first; b < end; b++) {
        const data = source.readBlock(b);
        target.apply(data === undefined ? { block: b, version: source.versions[b]! } : { block: b, version: source.versions[b]!, data });
      }
    },
    sourceVersions: source.versions,
    copyRangeAsSent(first, end, sent) {
      this.copyRange(first, end);
      target.versions.set(sent.subarray(first, end), first);
    },
    firstDifference: () => target.firstDifference(source),
  };
}
