import { describe, expect, it } from 'vitest';
import { memoryImage } from '../../../lib/engines/migration/image.js';
import { PageMemory } from '../../../lib/vm/index.js';

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
});
