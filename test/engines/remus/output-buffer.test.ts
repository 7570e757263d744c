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
});
