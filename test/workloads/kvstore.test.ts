import { describe, expect, it } from 'vitest';
import { buildRun, resolveRunParams, runScenario } from '../../lib/scenario/index.js';
import { unprotectedEngine } from '../../lib/engines/unprotected/index.js';
import { ms, s } from '../../lib/sim/index.js';
import { PageMemory } from '../../lib/vm/index.js';
import { KvTable, keyOf, kvGeometry, valueOf } from '../../workloads/kvstore/table.js';
import { kvstore, type KvstoreGuest, type KvstorePopulation } from '../../workloads/presets/kvstore.js';

const strip = (r: ReturnType<typeof runScenario>) => ({ ...r, metrics: { ...r.metrics, wallMs: 0 } });

/**
 * A kvstore guest on a VM on host A with its clients, built as runScenario builds it (the unprotected
 * engine does nothing without faults): tests step the clock and drive pauses, switches and
 * corruption by hand. A switch to host B needs its redirect (`h.net.redirect(h.hosts[1])`).
 */
function harness(params: Record<string, number> = {}, seed = 1) {
  const p = resolveRunParams('unprotected', 'kvstore', params);
  const run = buildRun(unprotectedEngine, kvstore, p, seed, []);
  run.start();
  const pop = run.populations[0] as KvstorePopulation;
  return { sim: run.sim, guest: run.guests[0]!.program as KvstoreGuest, pop, vm: run.guests[0]!.vm, hosts: run.hosts, net: run.network, clients: pop.kv };
}

describe('kvstore table: state in the memory bytes', () => {
  it('stores and reads back versions and values through readBytes/writeBytes only', () => {
    const mem = new PageMemory({ pages: 256, pageBytes: 4096, contentBacked: true });
    const t = new KvTable(kvGeometry(100, 24, 200, 4096));
    t.format(mem);
    for (let k = 0; k < 100; k++) t.put(mem, keyOf(k, 24), 0, valueOf(k, 0, 200));
    expect(t.put(mem, keyOf(7, 24), 5, valueOf(7, 5, 200))).toBe(5);
    const r = t.get(mem, keyOf(7, 24))!;
    expect(r.version).toBe(5);
    expect(Array.from(r.value)).toEqual(Array.from(valueOf(7, 5, 200)));
    expect(t.get(mem, keyOf(100, 24))).toBeNull();
    // A copy of the bytes alone answers the same.
    const copy = mem.clone();
    expect(t.get(copy, keyOf(7, 24))!.version).toBe(5);
  });

  it('keeps the newest version whatever order writes arrive in', () => {
    const mem = new PageMemory({ pages: 64, pageBytes: 4096, contentBacked: true });
    const t = new KvTable(kvGeometry(10, 24, 16, 4096));
    t.format(mem);
    t.put(mem, keyOf(1, 24), 9, valueOf(1, 9, 16));
    expect(t.put(mem, keyOf(1, 24), 4, valueOf(1, 4, 16))).toBe(9);
    expect(t.get(mem, keyOf(1, 24))!.version).toBe(9);
  });

  it('every put dirties the slot’s pages and the header page', () => {
    const mem = new PageMemory({ pages: 64, pageBytes: 4096, contentBacked: true });
    const t = new KvTable(kvGeometry(10, 24, 16, 4096));
    t.format(mem);
    mem.enableLogDirty();
    t.put(mem, keyOf(3, 24), 1, valueOf(3, 1, 16));
    const dirty = Array.from(mem.dirty.peek()).sort((a, b) => a - b);
    expect(dirty[0]).toBe(0);
    expect(dirty).toContain(Math.floor(t.slotOffset(mem, keyOf(3, 24)) / 4096));
  });
});

describe('kvstore workload', () => {
  it('serves the YCSB-like mix with every reply verified, deterministically', () => {
    const req = { engine: 'unprotected', workload: 'kvstore', params: { 'run.durationS': 5 }, seed: 3 };
    const a = runScenario(req);
    expect(a.params['vm.memoryMiB']).toBe(64);
    expect(a.metrics.opsCompleted as number).toBeGreaterThan(3000);
    expect(a.metrics.reads as number).toBeGreaterThan(1000);
    expect(a.metrics.updates).toBeGreaterThan(1000);
    expect(a.metrics.wrongReplies).toBe(0);
    expect(a.invariants).toEqual({ repliesConsistent: true, noLostAckedWrite: true, noWrongReply: true });
    expect(a.metrics.latencyMsP50 as number).toBeGreaterThan(0);
    expect(a.metrics.latencyMsP99 as number).toBeGreaterThanOrEqual(a.metrics.latencyMsP50 as number);
    expect(JSON.stringify(strip(runScenario(req)))).toBe(JSON.stringify(strip(a)));
    expect(runScenario({ ...req, seed: 4 }).metrics.opsCompleted).not.toBe(a.metrics.opsCompleted);
  });

  it('defaults to YCSB workload A: 50 % reads, Zipf 0.99, 1,000 records of 1,000 bytes; a 64 MiB VM for 30 s', () => {
    const r = runScenario({ engine: 'unprotected', workload: 'kvstore', params: { 'run.durationS': 1 } });
    expect(r.params).toMatchObject({ 'workload.readProportion': 0.5, 'workload.zipfS': 0.99, 'workload.records': 1000, 'workload.valueBytes': 1000, 'vm.memoryMiB': 64 });
    expect(resolveRunParams('unprotected', 'kvstore', {}).num('run.durationS')).toBe(30);
  });

  it('client latency adds to every reply (net.clientLatencyMs on the server’s outbound path)', () => {
    const r = runScenario({ engine: 'unprotected', workload: 'kvstore', params: { 'run.durationS': 3, 'net.clientLatencyMs': 20 } });
    expect(r.metrics.latencyMsP50 as number).toBeGreaterThan(20);
    expect(r.metrics.latencyMsP50 as number).toBeLessThan(21);
  });

  it('rejects a store that does not fit the VM', () => {
    expect(() => runScenario({ engine: 'unprotected', workload: 'kvstore', params: { 'workload.records': 100000, 'workload.valueBytes': 4000 } })).toThrow(/vm\.memoryMiB/);
  });
});

describe('kvstore reply verification', () => {
  it('judges reads: the latest acknowledged write or a newer issued one is right; older is stale; garbage is corrupt', () => {
    const h = harness();
    h.sim.run(s(2)); // some writes issued
    const c = h.clients;
    const k = 5;
    const v0 = valueOf(k, 0, 1000);
    expect(c.judgeRead(k, 0, { found: true, version: 0, value: v0 })).toBe('ok');
    // version 0 when a write with version 1 to key k was acknowledged: a lost acknowledged write
    expect(c.judgeRead(k, 1, { found: true, version: 0, value: v0 })).toBe('stale');
    // bytes that are not the version's bytes
    const bad = v0.slice();
    bad[10] = bad[10]! ^ 1;
    expect(c.judgeRead(k, 0, { found: true, version: 0, value: bad })).toBe('corrupt');
    // a version never issued, or issued for another key
    expect(c.judgeRead(k, 0, { found: true, version: 1e9, value: v0 })).toBe('corrupt');
    expect(c.judgeRead(k, 0, { found: false, version: -1 })).toBe('corrupt');
  });

  it('corrupting one page of the store’s memory produces detected wrong replies', () => {
    const h = harness({ 'workload.readProportion': 1 });
    h.sim.run(s(2));
    expect(h.clients.corruptReplies).toBe(0);
    // Flip bytes in the slot of the most popular keys' page: every record in that page goes wrong.
    const mem = h.vm.memory;
    let page = -1;
    for (let k = 0; k < 1000 && page < 0; k++) {
      const off = h.guest.table.slotOffset(mem, keyOf(k, 24));
      page = Math.floor(off / 4096);
    }
    const view = mem.pageView(page);
    for (let i = 0; i < view.length; i += 97) view[i] = view[i]! ^ 0x5a;
    h.sim.run(s(30));
    expect(h.clients.corruptReplies).toBeGreaterThan(0);
    expect(h.pop.invariants().repliesConsistent).toBe(false);
    expect(h.clients.firstWrongReply).toMatch(/read of key/);
  });

  it('keeps answering correctly after a migration to a faithful copy of its memory', () => {
    const h = harness();
    h.sim.run(s(3));
    h.vm.pause();
    const image = h.vm.memory.clone();
    h.vm.moveTo(h.hosts[1]!, image, h.vm.disk);
    h.net.redirect(h.hosts[1]!);
    h.sim.schedule(ms(50), () => h.vm.resume());
    h.sim.run(s(8));
    expect(h.vm.memory).toBe(image);
    expect(h.pop.metrics(s(8)).wrongReplies).toBe(0);
    expect(h.pop.invariants()).toEqual({ repliesConsistent: true, noLostAckedWrite: true });
    expect(h.clients.completed).toBeGreaterThan(3000);
  });

  it('a migration that misses one dirty page (a dirty-tracking bug) shows up as wrong replies', () => {
    const h = harness({ 'workload.readProportion': 0.5 });
    h.sim.run(s(1));
    const early = h.vm.memory.clone(); // the target got every page at t = 1 s …
    h.sim.run(s(3));
    h.vm.pause();
    const image = h.vm.memory.clone(); // … and the dirty ones at the switch, except one
    // the slot page written most since t = 1 s: a hot record's page
    let lost = 1;
    for (let i = 1; i < image.pages; i++) if (image.versions[i]! - early.versions[i]! > image.versions[lost]! - early.versions[lost]!) lost = i;
    expect(image.versions[lost]).toBeGreaterThan(early.versions[lost]!);
    image.copyPageFrom(early, lost);
    h.vm.moveTo(h.hosts[1]!, image, h.vm.disk);
    h.net.redirect(h.hosts[1]!);
    h.vm.resume();
    h.sim.run(s(10));
    expect(h.pop.metrics(s(10)).wrongReplies as number).toBeGreaterThan(0);
    // stale records, or torn ones where a slot straddles the lost page and a page that arrived
    const inv = h.pop.invariants();
    expect(inv.noLostAckedWrite && inv.repliesConsistent).toBe(false);
  });

  it('a failover to an older checkpoint without output commit loses acknowledged writes, and says so', () => {
    const h = harness({ 'workload.readProportion': 0.5 });
    h.sim.run(s(2));
    const checkpoint = h.vm.memory.clone();
    const cpu = h.vm.cpuState();
    h.sim.run(s(4)); // writes acknowledged after the checkpoint (nothing buffered them)
    h.vm.crash();
    // detected and restored 0.5 s later: requests sent meanwhile are lost and resent
    h.sim.schedule(ms(500), () => {
      h.vm.restoreOn(h.hosts[1]!, checkpoint, h.vm.disk, cpu);
      h.net.redirect(h.hosts[1]!);
      h.vm.resume();
    });
    h.sim.run(s(20));
    expect(h.clients.staleReads).toBeGreaterThan(0);
    expect(h.pop.invariants().noLostAckedWrite).toBe(false);
    // … while every reply still carries a real version's bytes, and clients retransmitted across the gap
    expect(h.pop.invariants().repliesConsistent).toBe(true);
    expect(h.pop.rpc.retransmissions).toBeGreaterThan(0);
  });

  it('over lib/net (TcpClient sessions, TcpServer in the guest): correct before and after a migration with redirect', () => {
    const h = harness({ 'net.clientLatencyMs': 1 }, 1);
    h.sim.run(s(3));
    const before = h.clients.completed;
    expect(before).toBeGreaterThan(1500);
    h.vm.pause();
    h.vm.moveTo(h.hosts[1]!, h.vm.memory.clone(), h.vm.disk);
    h.net.redirect(h.hosts[1]!);
    h.sim.schedule(ms(60), () => h.vm.resume());
    h.sim.run(s(6));
    expect(h.clients.completed).toBeGreaterThan(before + 1500);
    expect(h.pop.invariants()).toEqual({ repliesConsistent: true, noLostAckedWrite: true });
    expect(h.pop.metrics(s(6)).latencyMsP50 as number).toBeGreaterThan(1);
  });

  it('over lib/net: a failover to an older checkpoint is survived by retransmission and caught by noLostAckedWrite', () => {
    const h = harness({}, 2);
    h.sim.run(s(2));
    const checkpoint = h.vm.memory.clone();
    const cpu = h.vm.cpuState();
    h.sim.run(s(4));
    h.vm.crash();
    h.sim.schedule(ms(500), () => {
      h.vm.restoreOn(h.hosts[1]!, checkpoint, h.vm.disk, cpu);
      h.net.redirect(h.hosts[1]!);
      h.vm.resume();
    });
    h.sim.run(s(15));
    expect(h.pop.rpc.retransmissions).toBeGreaterThan(0);
    expect(h.clients.completed).toBeGreaterThan(5000);
    expect(h.pop.invariants().noLostAckedWrite).toBe(false);
  });

  it('over lib/net: requests in progress at the checkpoint are part of it — after a failover no session is left waiting', () => {
    // 20 ms of CPU per request and no think time: the vCPU always has queued requests at a checkpoint
    const h = harness({ 'workload.requestCpuUs': 20_000, 'workload.thinkMs': 0 }, 3);
    h.sim.run(s(2));
    const checkpoint = h.vm.memory.clone();
    const cpu = h.vm.cpuState();
    // output commit, as Remus does: nothing the guest sends after the checkpoint leaves before it fails
    h.vm.nic.setEgressHook(() => {});
    h.sim.run(ms(2300));
    h.vm.crash();
    h.sim.schedule(ms(200), () => {
      h.vm.restoreOn(h.hosts[1]!, checkpoint, h.vm.disk, cpu);
      h.vm.nic.setEgressHook(null);
      h.net.redirect(h.hosts[1]!);
      h.vm.resume();
    });
    h.sim.run(s(12));
    expect(h.clients.stalledSessions(s(3))).toBe(0);
    expect(h.pop.invariants().noLostAckedWrite).toBe(true);
    expect(h.pop.invariants().repliesConsistent).toBe(true);
  });
});

describe('kvstore and the network buffers traffic dirties', () => {
  it('the NIC’s writes stay above the table: no page the NIC writes is a page of the table', () => {
    const p = resolveRunParams('unprotected', 'kvstore', { 'run.durationS': 2 });
    const run = buildRun(unprotectedEngine, kvstore, p, 1, []);
    const { vm, program } = run.guests[0]!;
    const memory = vm.memory;
    const pages = memory.pages;
    const netBuffers = vm.netBuffers!;
    const geo = kvGeometry(p.num('workload.records'), p.num('workload.keyBytes'), p.num('workload.valueBytes'), 4096);
    const tableEnd = Math.ceil(geo.endByte / 4096);
    run.start();
    // A log of the test's own (the run's dirty sampler clears the memory's observer log every window).
    const log = memory.attachDirtyLog();
    run.sim.run(s(2));
    expect(netBuffers.writes).toBeGreaterThan(100);
    expect(netBuffers.firstPage).toBeGreaterThanOrEqual(tableEnd);
    // Written pages: the table's (by the store) and the network region's; nothing the NIC wrote is below it.
    const written = Array.from(log.peek());
    expect(written.some((pg) => pg >= netBuffers.firstPage)).toBe(true);
    expect(written.every((pg) => pg < tableEnd || pg >= netBuffers.firstPage)).toBe(true);
    expect(Object.values(program.invariants())).not.toContain(false);
  });

  it('a network-buffer region that would reach into the table is bad input naming vm.netBufferMiB', () => {
    expect(() => runScenario({ engine: 'unprotected', workload: 'kvstore', params: { 'vm.memoryMiB': 4, 'vm.netBufferMiB': 2, 'workload.records': 1000, 'workload.valueBytes': 2000 } })).toThrow(/vm\.netBufferMiB/);
  });
});
