import { describe, expect, it } from 'vitest';
import { diskImage, memoryImage } from '../../../lib/engines/migration/image.js';
import { Disk, PageMemory } from '../../../lib/vm/index.js';

const PAGES = 4096;

describe('memoryImage', () => {
  it('copyRange copies what the source holds and leaves the never-written tail of both untouched', () => {
    const source = new PageMemory({ pages: PAGES });
    const target = new PageMemory({ pages: PAGES });
    source.writeRange(10, 90);
    source.write(700);
    const image = memoryImage(source, target);
    for (let k = 0; k < PAGES; k += 256) image.copyRange(k, k + 256);
    expect(image.firstDifference()).toBe(-1);
    expect(Array.from(target.versions.subarray(0, 701))).toEqual(Array.from(source.versions.subarray(0, 701)));
    // Nothing above the source's last written page was copied: the target says so.
    expect(target.touchedEnd).toBe(701);
  });

  it('copyRange zeroes target pages the source never wrote', () => {
    const source = new PageMemory({ pages: PAGES });
    const target = new PageMemory({ pages: PAGES });
    source.writeRange(0, 10);
    target.writeRange(2000, 5);
    const image = memoryImage(source, target);
    expect(image.firstDifference()).toBe(0);
    image.copyRange(0, PAGES);
    expect(image.firstDifference()).toBe(-1);
    expect(target.versions[2002]).toBe(0);
  });

  it('firstDifference finds a page the copy missed, below or above the range it copied', () => {
    const source = new PageMemory({ pages: PAGES });
    const target = new PageMemory({ pages: PAGES });
    source.writeRange(0, 3000);
    const image = memoryImage(source, target);
    image.copyRange(0, 1500);
    image.copyRange(1501, PAGES);
    expect(image.firstDifference()).toBe(1500);
    image.copy(Int32Array.of(1500), 0, 1);
    expect(image.firstDifference()).toBe(-1);
    source.write(3500);
    expect(image.firstDifference()).toBe(3500);
  });

  it('copies bytes of content-backed memory the same way', () => {
    const source = new PageMemory({ pages: 64, pageBytes: 16, contentBacked: true });
    const target = new PageMemory({ pages: 64, pageBytes: 16, contentBacked: true });
    source.writeBytes(16 * 5, new Uint8Array([7, 8, 9]));
    const image = memoryImage(source, target);
    image.copyRange(0, 64);
    expect(image.firstDifference()).toBe(-1);
    expect(Array.from(target.readBytes(16 * 5, 3))).toEqual([7, 8, 9]);
    source.writeBytes(16 * 40, new Uint8Array([1]));
    expect(image.firstDifference()).toBe(40);
  });

  it('copy takes exactly list[from..to), versions only or with bytes', () => {
    for (const contentBacked of [false, true]) {
      const source = new PageMemory({ pages: 64, pageBytes: 16, contentBacked });
      const target = new PageMemory({ pages: 64, pageBytes: 16, contentBacked });
      for (const p of [4, 9, 30, 50]) {
        if (contentBacked) source.writeBytes(p * 16, new Uint8Array([p]));
        else source.write(p);
      }
      const image = memoryImage(source, target);
      image.copy(Int32Array.of(50, 9, 4, 30), 1, 3);
      expect(Array.from(target.versions.subarray(0, 51)).flatMap((v, p) => (v > 0 ? [p] : []))).toEqual([4, 9]);
      expect(image.firstDifference()).toBe(30);
      if (contentBacked) expect(Array.from(target.readBytes(9 * 16, 1))).toEqual([9]);
    }
  });

  it('firstDifference sees bytes that differ under equal versions (content-backed)', () => {
    const source = new PageMemory({ pages: 64, pageBytes: 16, contentBacked: true });
    const target = new PageMemory({ pages: 64, pageBytes: 16, contentBacked: true });
    source.writeBytes(16 * 40, new Uint8Array([1]));
    const image = memoryImage(source, target);
    image.copyRange(0, 64);
    expect(image.firstDifference()).toBe(-1);
    // A byte of page 40 changed on the target alone, its version untouched.
    target.bytes![16 * 40 + 3] = 7;
    expect(image.firstDifference()).toBe(40);
  });
});

describe('diskImage', () => {
  const filled = (blocks: number, contentBacked: boolean) => {
    const d = new Disk(blocks, { blockBytes: 8, contentBacked });
    for (let b = 0; b < blocks; b++) d.write(b, contentBacked ? new Uint8Array(8).fill(b + 1) : undefined);
    return d;
  };

  it('copy takes exactly list[from..to); copyRange exactly [first, end), bytes included', () => {
    for (const contentBacked of [false, true]) {
      const source = filled(8, contentBacked);
      const target = new Disk(8, { blockBytes: 8, contentBacked });
      const image = diskImage(source, target);
      image.copy(Int32Array.of(6, 1, 2, 5), 1, 3);
      expect(Array.from(target.versions)).toEqual([0, 1, 1, 0, 0, 0, 0, 0]);
      image.copyRange(4, 6);
      expect(Array.from(target.versions)).toEqual([0, 1, 1, 0, 1, 1, 0, 0]);
      expect(image.firstDifference()).toBe(0);
      if (contentBacked) expect(Array.from(target.readBlock(5)!)).toEqual(new Array(8).fill(6));
      image.copyRange(0, 8);
      expect(image.firstDifference()).toBe(-1);
    }
  });

  it('copyRangeAsSent copies the bytes now but gives the target the versions as sent', () => {
    const source = filled(4, true);
    const target = new Disk(4, { blockBytes: 8, contentBacked: true });
    const image = diskImage(source, target);
    const sent = Uint32Array.from(image.sourceVersions);
    source.write(2, new Uint8Array(8).fill(42)); // written after its send
    image.copyRangeAsSent(1, 3, sent);
    expect(Array.from(target.versions)).toEqual([0, 1, 1, 0]);
    expect(Array.from(target.readBlock(2)!)).toEqual(new Array(8).fill(42));
    // The target's version says block 2 is stale: the dirty log will send it again.
    expect(image.firstDifference()).toBe(0);
    image.copy(Int32Array.of(0, 2, 3), 0, 3);
    expect(image.firstDifference()).toBe(-1);
  });
});
