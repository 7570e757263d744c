import { describe, expect, it } from 'vitest';
import { NIC_RX_RING_SLOTS, Nic, type Packet } from '../../lib/vm/index.js';

const pkt = (i: number): Packet => ({ bytes: 100, client: i, kind: 'request', epoch: 0, seq: i });

describe('Nic while the guest is paused', () => {
  it('queues inbound packets up to the receive ring, drops the rest, delivers in order at resume', () => {
    const nic = new Nic();
    const got: number[] = [];
    nic.onReceive((p) => got.push(p.client));
    nic.setPaused(true);
    for (let i = 0; i < NIC_RX_RING_SLOTS + 5; i++) nic.deliver(pkt(i));
    expect(got).toEqual([]);
    expect(nic.dropped).toBe(5);
    nic.setPaused(false);
    expect(got).toEqual(Array.from({ length: NIC_RX_RING_SLOTS }, (_, i) => i));
  });

  it('stamps outbound packets with the current epoch and a send sequence, through the egress hook', () => {
    const nic = new Nic();
    const out: Packet[] = [];
    nic.connect((p) => out.push(p));
    const held: Packet[] = [];
    nic.setEgressHook((p) => held.push(p));
    nic.epoch = 7;
    nic.send({ bytes: 10, client: 1, kind: 'reply' });
    expect(out).toEqual([]);
    expect(held[0]).toMatchObject({ epoch: 7, seq: 0, client: 1 });
  });
});
