import { describe, expect, it } from 'vitest';
import { SLOW_REPLICA_THROTTLE, misbehave } from '../../lib/faults/index.js';
import type { ServiceMisbehaviour } from '../../lib/replication/index.js';
import { Simulation } from '../../lib/sim/index.js';
import { Disk, Host, PageMemory, VM, type Packet } from '../../lib/vm/index.js';

function vmWithWire() {
  const sim = new Simulation();
  const vm = new VM({ sim, host: new Host('A', { sharedCpu: true }), memory: new PageMemory({ pages: 4, contentBacked: true }), disk: new Disk(1), program: { advance() {}, snapshot: () => null, restore() {} }, cpuBound: false });
  const out: Packet[] = [];
  vm.nic.connect((p) => out.push(p));
  return { vm, out };
}

const service: ServiceMisbehaviour = {
  falsify: (body) => ({ ...(body as object), wrong: true }),
  corrupt: (vm) => vm.memory.writeBytes(0, new Uint8Array([0xde, 0xad])),
};

describe('misbehave', () => {
  it('wrong-reply: every reply body leaves changed by the service’s rule; other packets untouched', () => {
    const { vm, out } = vmWithWire();
    misbehave(vm, 'wrong-reply', service);
    vm.nic.send({ client: 1, kind: 'reply', bytes: 10, payload: { requestId: 4, body: { v: 1 } } });
    vm.nic.send({ client: 1, kind: 'datagram', bytes: 10 });
    expect(out[0]!.payload).toEqual({ requestId: 4, body: { v: 1, wrong: true } });
    expect(out[1]!.payload).toBeUndefined();
  });

  it('silent: nothing leaves', () => {
    const { vm, out } = vmWithWire();
    misbehave(vm, 'silent', service);
    vm.nic.send({ client: 1, kind: 'reply', bytes: 10, payload: { requestId: 4, body: {} } });
    expect(out).toEqual([]);
  });

  it('slow: the vCPU is throttled; corrupt-state: the guest writes its own memory (dirty tracking sees it)', () => {
    const { vm } = vmWithWire();
    misbehave(vm, 'slow', service);
    expect(vm.vcpu.throttleFraction).toBe(SLOW_REPLICA_THROTTLE);
    vm.memory.enableLogDirty();
    misbehave(vm, 'corrupt-state', service);
    expect([...vm.memory.readBytes(0, 2)]).toEqual([0xde, 0xad]);
    expect(vm.memory.dirty.count).toBe(1);
  });
});
