import { describe, expect, it } from 'vitest';
import { ACTIVATION_DEADLINE_TIMEOUTS, BARRIER_POLL_NS, UpdateBarrier } from '../../../lib/engines/spare/barrier.js';
import type { SpareRun } from '../../../lib/engines/spare/run.js';
import type { GroupRequest } from '../../../lib/replication/index.js';
import { Simulation } from '../../../lib/sim/index.js';
import type { VM } from '../../../lib/vm/index.js';

/** A VM as the barrier sees it: a name, a status and a vCPU with a queue. */
interface FakeVm {
  name: string;
  status: 'running' | 'crashed';
  vcpu: { queuedJobs: number; sync(): void };
}

const fakeVm = (name: string): FakeVm => ({ name, status: 'running', vcpu: { queuedJobs: 0, sync: () => {} } });

const REPLY_TIMEOUT_NS = 1_000_000;

/**
 * The part of a SPARE run the barrier uses, on two hosts: voters are h (active), n + h (shadow)
 * and 2n (the reference replica); every hand-over to a voter is recorded.
 */
function rig(n = 2) {
  const sim = new Simulation();
  const up = new Array<boolean>(n).fill(true);
  const delivered = new Array<number>(n).fill(0);
  const active = Array.from({ length: n }, (_, h) => fakeVm(`a${h}`));
  const standby = Array.from({ length: n }, (_, h) => fakeVm(`s${h}`));
  const refVm = fakeVm('ref');
  const voterOf = new Map<FakeVm, number>([...active.map((vm, h) => [vm, h] as const), ...standby.map((vm, h) => [vm, n + h] as const)]);
  const shadowLive = new Array<boolean>(n).fill(false);
  const log: Array<[voter: number, seq: number]> = [];
  const run = {
    sim,
    n,
    hosts: active.map(() => ({ alive: true })),
    active,
    standby,
    shadowLive,
    voterOf,
    refVm,
    replyTimeoutNs: REPLY_TIMEOUT_NS,
    front: { deliver: (v: number, seq: number) => log.push([v, seq]) },
    group: { deliveredUpTo: (h: number) => delivered[h]! },
    hostUp: (h: number) => up[h]!,
    executors: () => {
      const out: Array<{ vm: FakeVm; h: number }> = [];
      for (let h = 0; h < n; h++) {
        if (!up[h]) continue;
        out.push({ vm: active[h]!, h });
        if (shadowLive[h]) out.push({ vm: standby[h]!, h });
      }
      return out;
    },
  };
  let lifted = 0;
  const barrier = new UpdateBarrier(run as unknown as SpareRun, () => lifted++);
  /** Seqs handed to voter `v`, in order. */
  const to = (v: number): number[] => log.filter(([w]) => w === v).map(([, s]) => s);
  const req = (seq: number, session = 1): GroupRequest => ({ session, n: seq, bytes: 0, body: null });
  /** Every replica executed what it was handed up to `seq` (its host delivered seq + 1 requests). */
  const executedUpTo = (seq: number): void => {
    delivered.fill(seq + 1);
  };
  return { sim, run, up, delivered, active, standby, refVm, shadowLive, barrier, log, to, req, executedUpTo, lifted: () => lifted };
}

describe('UpdateBarrier: handing requests to the replicas', () => {
  it('hands each request to its host’s active replica, once to the reference replica, and to the shadow only while it is activated', () => {
    const r = rig();
    r.barrier.deliver(0, 0, r.req(0));
    r.barrier.deliver(1, 0, r.req(0));
    r.barrier.deliver(0, 1, r.req(1));
    expect(r.to(0)).toEqual([0, 1]);
    expect(r.to(1)).toEqual([0]);
    expect(r.to(4)).toEqual([0, 1]); // the reference replica executes each ordered request once
    expect(r.to(2)).toEqual([]); // paused shadows execute nothing
    r.shadowLive[1] = true;
    r.barrier.deliver(1, 1, r.req(1));
    expect(r.to(3)).toEqual([1]);
    expect(r.to(4)).toEqual([0, 1]);
  });
});

describe('UpdateBarrier: a barrier', () => {
  it('stands at the last position handed to any live host: a host that is down does not count', () => {
    const r = rig();
    for (let s = 0; s <= 3; s++) r.barrier.deliver(0, s, r.req(s));
    for (let s = 0; s <= 5; s++) r.barrier.deliver(1, s, r.req(s));
    r.up[1] = false;
    r.barrier.start(10 * BARRIER_POLL_NS, false, () => {});
    expect(r.barrier.standing).toBe(true);
    expect(r.barrier.pos).toBe(3);
  });

  it('stands before the first request when none was handed yet, and is lifted at once when every replica is idle there', () => {
    const r = rig();
    const calls: boolean[] = [];
    r.barrier.start(10 * BARRIER_POLL_NS, false, (ready) => {
      calls.push(ready);
      expect(r.barrier.pos).toBe(-1);
    });
    expect(calls).toEqual([true]);
    expect(r.barrier.standing).toBe(false);
    expect(r.lifted()).toBe(1);
  });

  it('holds back requests after its position and hands them, in order, once it is lifted; requests up to it pass', () => {
    const r = rig();
    r.barrier.deliver(0, 0, r.req(0));
    r.barrier.deliver(0, 1, r.req(1));
    r.barrier.deliver(1, 0, r.req(0));
    let done = false;
    r.barrier.start(100 * BARRIER_POLL_NS, false, () => (done = true));
    expect(r.barrier.pos).toBe(1);
    expect(r.barrier.standing).toBe(true);
    r.barrier.deliver(1, 1, r.req(1)); // at the position: host 1 still has to execute it
    r.barrier.deliver(0, 2, r.req(2));
    r.barrier.deliver(1, 2, r.req(2));
    r.barrier.deliver(0, 3, r.req(3));
    expect(r.to(0)).toEqual([0, 1]);
    expect(r.to(1)).toEqual([0, 1]);
    expect(r.to(4)).toEqual([0, 1]);
    r.executedUpTo(1);
    r.sim.run();
    expect(done).toBe(true);
    expect(r.barrier.standing).toBe(false);
    expect(r.to(0)).toEqual([0, 1, 2, 3]);
    expect(r.to(1)).toEqual([0, 1, 2]);
    expect(r.to(4)).toEqual([0, 1, 2, 3]);
  });

  it('waits, polling, until every executing replica reached the position with nothing queued, and the reference replica is idle', () => {
    const r = rig();
    r.shadowLive[0] = true;
    r.barrier.deliver(0, 0, r.req(0));
    r.barrier.deliver(1, 0, r.req(0));
    const at: Array<[number, boolean]> = [];
    r.barrier.start(1000 * BARRIER_POLL_NS, false, (ready) => at.push([r.sim.now, ready]));
    // Host 0's shadow still has a job queued, host 1 has not executed the request yet, the reference is busy.
    r.executedUpTo(0);
    r.delivered[1] = 0;
    r.standby[0]!.vcpu.queuedJobs = 1;
    r.refVm.vcpu.queuedJobs = 1;
    r.sim.run(5 * BARRIER_POLL_NS);
    expect(at).toEqual([]);
    r.delivered[1] = 1;
    r.sim.run(10 * BARRIER_POLL_NS);
    expect(at).toEqual([]);
    r.standby[0]!.vcpu.queuedJobs = 0;
    r.sim.run(15 * BARRIER_POLL_NS);
    expect(at).toEqual([]);
    r.refVm.vcpu.queuedJobs = 0;
    r.sim.run();
    expect(at).toEqual([[16 * BARRIER_POLL_NS, true]]);
  });

  it('gives up at its deadline (not a poll later) and reports that not every replica is ready', () => {
    const r = rig();
    r.barrier.deliver(0, 0, r.req(0));
    r.sim.run(3 * BARRIER_POLL_NS);
    const t0 = r.sim.now;
    const at: Array<[number, boolean]> = [];
    r.barrier.start(7 * BARRIER_POLL_NS, false, (ready) => at.push([r.sim.now, ready]));
    r.sim.run(t0 + 100 * BARRIER_POLL_NS);
    expect(at).toEqual([[t0 + 7 * BARRIER_POLL_NS, false]]);
    expect(r.barrier.standing).toBe(false);
    expect(r.lifted()).toBe(1);
  });

  it('reached: the host delivered every request up to the position and the replica has nothing queued', () => {
    const r = rig();
    const vm = r.active[0] as unknown as VM;
    r.delivered[0] = 5;
    expect(r.barrier.reached(vm, 0, 4)).toBe(true);
    expect(r.barrier.reached(vm, 0, 5)).toBe(false);
    r.active[0]!.vcpu.queuedJobs = 1;
    expect(r.barrier.reached(vm, 0, 4)).toBe(false);
  });
});

describe('UpdateBarrier: waiting for answers', () => {
  const limit = ACTIVATION_DEADLINE_TIMEOUTS * REPLY_TIMEOUT_NS;

  it('one that waits for answers stands while a request up to its position is unanswered, and is lifted once it is answered', () => {
    const r = rig();
    r.barrier.deliver(0, 0, r.req(0, 7));
    r.barrier.deliver(0, 1, r.req(1, 7));
    r.barrier.answered(r.req(0, 7));
    r.executedUpTo(1);
    const at: number[] = [];
    r.barrier.start(2 * limit, true, (ready) => {
      expect(ready).toBe(true);
      at.push(r.sim.now);
    });
    r.sim.run(20 * BARRIER_POLL_NS);
    expect(at).toEqual([]);
    // An answer to another session's request with the same number does not count.
    r.barrier.answered(r.req(1, 8));
    r.sim.run(40 * BARRIER_POLL_NS);
    expect(at).toEqual([]);
    r.barrier.answered(r.req(1, 7));
    r.sim.run();
    expect(at).toEqual([41 * BARRIER_POLL_NS]);
  });

  it('one that does not wait for answers is lifted with requests unanswered', () => {
    const r = rig();
    r.barrier.deliver(0, 0, r.req(0));
    r.executedUpTo(0);
    let ready: boolean | null = null;
    r.barrier.start(limit, false, (x) => (ready = x));
    expect(ready).toBe(true);
  });

  it('a request handed only after the position (to a host now down) does not hold it', () => {
    const r = rig();
    r.barrier.deliver(0, 0, r.req(0));
    r.barrier.deliver(1, 0, r.req(0));
    r.barrier.deliver(1, 1, r.req(1));
    r.barrier.answered(r.req(0));
    r.up[1] = false;
    r.executedUpTo(1);
    const seen: Array<[number, boolean]> = [];
    r.barrier.start(limit, true, (x) => seen.push([r.barrier.pos, x]));
    expect(seen).toEqual([[0, true]]);
  });

  it('a request unanswered for as long as an activation may take no longer holds it', () => {
    const r = rig();
    r.barrier.deliver(0, 0, r.req(0));
    r.executedUpTo(0);
    const ready: boolean[] = [];
    r.sim.schedule(limit - BARRIER_POLL_NS, () => r.barrier.start(10 * limit, true, (x) => ready.push(x)));
    r.sim.run(limit - 1);
    expect(ready).toEqual([]);
    r.sim.run(limit);
    expect(ready).toEqual([true]);
  });
});

describe('UpdateBarrier: the log', () => {
  it('replays to a shadow the requests its host was handed after a position, and nothing beyond them', () => {
    const r = rig();
    for (let s = 0; s <= 5; s++) r.barrier.deliver(0, s, r.req(s));
    for (let s = 0; s <= 3; s++) r.barrier.deliver(1, s, r.req(s));
    r.log.length = 0;
    r.barrier.replay(r.standby[1] as unknown as VM, 1, 1);
    expect(r.log).toEqual([
      [3, 2],
      [3, 3],
    ]);
    r.log.length = 0;
    r.barrier.replay(r.standby[0] as unknown as VM, 0, -1);
    expect(r.to(2)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('is trimmed up to a position only in large steps (more than 4096 requests)', () => {
    const replayedAfterTrim = (requests: number, keep: number): number[] => {
      const r = rig();
      for (let s = 0; s < requests; s++) r.barrier.deliver(0, s, r.req(s));
      r.barrier.trimLog(keep);
      r.log.length = 0;
      r.barrier.replay(r.standby[0] as unknown as VM, 0, -1);
      return r.to(2);
    };
    // Few requests: nothing is dropped.
    expect(replayedAfterTrim(20, 10)).toHaveLength(20);
    // Exactly 4096 requests up to the position: still nothing dropped.
    expect(replayedAfterTrim(5000, 4095)).toHaveLength(5000);
    // More: everything up to and including the position goes, the rest stays.
    const rest = replayedAfterTrim(5000, 4500);
    expect(rest[0]).toBe(4501);
    expect(rest).toHaveLength(5000 - 4501);
  });
});
