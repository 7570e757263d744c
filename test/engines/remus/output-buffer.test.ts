import { describe, expect, it } from 'vitest';
import { Nic, type Packet } from '../../../lib/vm/index.js';
import { OutputBuffer } from '../../../lib/engines/remus/output-buffer.js';

function nicWithWire(): { nic: Nic; wire: Packet[] } {
  const nic = new Nic();
  const wire: Packet[] = [];
  nic.connect((p) => wire.push(p));
  return { nic, wire };
}

const send = (nic: Nic, client: number): void => nic.send({ bytes: 100, client, kind: 'reply' });

describe('OutputBuffer (Remus): output commit at the NIC', () => {
  it('holds packets until their epoch is released, then lets them out in send order', () => {
    const { nic, wire } = nicWithWire();
    const buf = new OutputBuffer(nic, { holding: true });
    nic.epoch = 1;
    send(nic, 1);
    send(nic, 2);
    nic.epoch = 2;
    send(nic, 3);
    expect(wire).toHaveLength(0);
    expect(buf.buffered).toBe(3);
    buf.release(1);
    expect(wire.map((p) => p.client)).toEqual([1, 2]);
    expect(wire.every((p) => p.epoch === 1)).toBe(true);
    buf.release(2);
    expect(wire.map((p) => p.client)).toEqual([1, 2, 3]);
    expect(buf.maxReleasedEpoch).toBe(2);
  });

  it('unsafe mode passes packets at once, still counted by epoch (provenance)', () => {
    const { nic, wire } = nicWithWire();
    const buf = new OutputBuffer(nic, { holding: false });
    nic.epoch = 5;
    send(nic, 1);
    nic.epoch = 6;
    send(nic, 2);
    send(nic, 3);
    expect(wire).toHaveLength(3);
    expect(buf.releasedBetween(4)).toBe(3);
    expect(buf.releasedBetween(5)).toBe(2);
    expect(buf.releasedBetween(6)).toBe(0);
  });

  it('discard drops speculative output; stopHolding flushes and passes the rest', () => {
    const { nic, wire } = nicWithWire();
    const buf = new OutputBuffer(nic, { holding: true });
    nic.epoch = 1;
    send(nic, 1);
    expect(buf.discard()).toBe(1);
    expect(wire).toHaveLength(0);
    send(nic, 2);
    buf.stopHolding();
    expect(wire.map((p) => p.client)).toEqual([2]);
    send(nic, 3);
    expect(wire.map((p) => p.client)).toEqual([2, 3]);
    expect(buf.holding).toBe(false);
  });

  it('keeps its counts exact: buffered, released, discarded, the newest released epoch', () => {
    const { nic, wire } = nicWithWire();
    const buf = new OutputBuffer(nic, { holding: true });
    expect(buf.maxReleasedEpoch).toBe(-1);
    nic.epoch = 0;
    send(nic, 0); // an epoch-0 packet (before the first checkpoint)
    for (const e of [1, 1, 2, 3, 3, 3]) {
      nic.epoch = e;
      send(nic, e);
    }
    expect(buf.buffered).toBe(7);
    buf.release(1);
    expect(buf.buffered).toBe(4);
    expect(buf.released).toBe(3);
    expect(buf.maxReleasedEpoch).toBe(1);
    buf.release(0); // an older acknowledgement releases nothing more, and moves nothing back
    expect(buf.maxReleasedEpoch).toBe(1);
    buf.release(2);
    expect(buf.releasedBetween(0)).toBe(3); // epochs 1, 1, 2
    expect(buf.releasedBetween(0, 1)).toBe(2);
    expect(buf.releasedBetween(1, 2)).toBe(1);
    expect(buf.releasedBetween(-1, 0)).toBe(1);
    expect(buf.discard()).toBe(3);
    expect(buf.discarded).toBe(3);
    expect(buf.buffered).toBe(0);
    expect(wire.map((p) => p.epoch)).toEqual([0, 1, 1, 2]);
  });

  it('tells every release listener of each packet as it leaves, in send order, and only then', () => {
    const { nic, wire } = nicWithWire();
    const buf = new OutputBuffer(nic, { holding: true });
    const seen: Array<[string, number]> = [];
    buf.onRelease((p) => seen.push(['a', p.client!]));
    buf.onRelease((p) => seen.push(['b', p.client!]));
    nic.epoch = 1;
    send(nic, 1);
    send(nic, 2);
    expect(seen).toEqual([]);
    buf.release(1);
    expect(seen).toEqual([
      ['a', 1],
      ['b', 1],
      ['a', 2],
      ['b', 2],
    ]);
    expect(wire).toHaveLength(2);
  });

  it('detach removes its hook: packets leave at once and are no longer counted', () => {
    const { nic, wire } = nicWithWire();
    const buf = new OutputBuffer(nic, { holding: true });
    nic.epoch = 1;
    send(nic, 1);
    buf.detach();
    send(nic, 2);
    expect(wire.map((p) => p.client)).toEqual([2]);
    expect(buf.buffered).toBe(1);
    expect(buf.released).toBe(0);
  });

  it('stays in send order across its queue compaction (thousands of packets, epochs interleaved)', () => {
    const { nic, wire } = nicWithWire();
    const buf = new OutputBuffer(nic, { holding: true });
    let sent = 0;
    for (let e = 1; e <= 40; e++) {
      nic.epoch = e;
      for (let i = 0; i < 100; i++) send(nic, sent++);
      if (e >= 3) buf.release(e - 2); // acknowledgements lag two epochs behind
      expect(buf.buffered).toBe(sent - wire.length);
    }
    expect(wire.length).toBe(3800);
    expect(wire.every((p, i) => p.client === i)).toBe(true);
    buf.release(40);
    expect(wire.map((p) => p.client)).toEqual(Array.from({ length: 4000 }, (_, i) => i));
    expect(buf.buffered).toBe(0);
    expect(buf.released).toBe(4000);
  });
});
