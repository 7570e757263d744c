import { describe, expect, it } from 'vitest';
import { NIC_RX_RING_SLOTS, NetBuffers, PageMemory, SEGMENTS_PER_ACK, TCP_MSS_BYTES, type Packet } from '../../lib/vm/index.js';

const packet = (bytes: number, client = 0): Packet => ({ bytes, client, kind: 'reply', epoch: 0, seq: 0 });

function setup(opts: Partial<{ pages: number; socketBufferPages: number; pagesPerKiB: number; copiedShare: number }> = {}) {
  const memory = new PageMemory({ pages: 8192 });
  memory.enableLogDirty();
  const nb = new NetBuffers({ firstPage: 4096, pages: opts.pages ?? 4096, socketBufferPages: opts.socketBufferPages ?? 4, pagesPerKiB: opts.pagesPerKiB ?? 0, copiedShare: opts.copiedShare ?? 1 });
  return { memory, nb };
}

describe('NetBuffers: memory dirtied by traffic', () => {
  it('writes one receive-ring page per inbound frame, cycling through the ring', () => {
    const { memory, nb } = setup();
    nb.received(memory, packet(60));
    expect(memory.dirty.peek()).toEqual(Int32Array.from([4096]));
    nb.received(memory, packet(3 * TCP_MSS_BYTES)); // three frames
    expect(memory.dirty.count).toBe(4);
    memory.dirty.clear();
    for (let i = 0; i < 2 * NIC_RX_RING_SLOTS; i++) nb.received(memory, packet(60));
    // However much arrives, the ring is the set it rewrites.
    expect(memory.dirty.count).toBe(NIC_RX_RING_SLOTS);
    expect(Math.max(...memory.dirty.peek())).toBe(4096 + NIC_RX_RING_SLOTS - 1);
  });

  it('takes one ACK into the ring per two full segments sent, carrying fractions across packets', () => {
    const { memory, nb } = setup();
    const segs = SEGMENTS_PER_ACK * TCP_MSS_BYTES;
    for (let i = 0; i < 10; i++) nb.sent(memory, packet(segs / 2, 0));
    const ring = Array.from(memory.dirty.peek()).filter((p) => p < 4096 + NIC_RX_RING_SLOTS);
    expect(ring.length).toBe(5);
  });

  it('rewrites at most one socket buffer per connection, however much it sends', () => {
    const { memory, nb } = setup({ socketBufferPages: 4 });
    const ringEnd = 4096 + nb.ringPages;
    nb.sent(memory, packet(512 * 1024, 3));
    nb.sent(memory, packet(512 * 1024, 3));
    const socket = Array.from(memory.dirty.peek()).filter((p) => p >= ringEnd);
    expect(socket).toEqual([ringEnd + 12, ringEnd + 13, ringEnd + 14, ringEnd + 15]);
    memory.dirty.clear();
    for (let c = 0; c < 10; c++) nb.sent(memory, packet(100, c));
    // Ten connections, one page each (100 bytes), in ten different buffers.
    expect(Array.from(memory.dirty.peek()).filter((p) => p >= ringEnd).length).toBe(10);
  });

  it('writes pagesPerKiB pages per KiB copied as a sweep, none for sendfile', () => {
    const copied = setup({ pagesPerKiB: 2, copiedShare: 1 });
    const zeroCopy = setup({ pagesPerKiB: 2, copiedShare: 0 });
    for (const { memory, nb } of [copied, zeroCopy]) for (let i = 0; i < 8; i++) nb.sent(memory, packet(512, 0));
    // 8 × 512 B = 4 KiB copied → 8 pages, beyond the ring and the socket buffers.
    const streamFirst = 4096 + copied.nb.ringPages + copied.nb.slots * copied.nb.socketBufferPages;
    expect(Array.from(copied.memory.dirty.peek()).filter((p) => p >= streamFirst)).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map((k) => streamFirst + k));
    expect(Array.from(zeroCopy.memory.dirty.peek()).filter((p) => p >= streamFirst)).toEqual([]);
  });

  it('never writes outside its region', () => {
    const { memory, nb } = setup({ pages: 64, pagesPerKiB: 9 });
    for (let i = 0; i < 200; i++) {
      nb.sent(memory, packet(1000 + i * 37, i));
      nb.received(memory, packet(50 + i));
    }
    const pages = memory.dirty.peek();
    expect(pages[0]!).toBeGreaterThanOrEqual(4096);
    expect(pages[pages.length - 1]!).toBeLessThan(4096 + 64);
  });
});
