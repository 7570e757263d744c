import type { SeriesRecord } from '../../metrics/records.js';
import type { Process, Simulation, Yieldable } from '../../sim/index.js';
import { Disk, PageMemory, type Host, type VM } from '../../vm/index.js';
import { AUTO_CONVERGE_INCREMENT, AUTO_CONVERGE_INITIAL, AUTO_CONVERGE_MAX, AUTO_CONVERGE_TRIGGER, BATCH_PAGES, BITS_PER_MIBIT, BITS_PER_XEN_DIRTY_MBIT, CPU_STATE_BYTES } from './costs.js';
import { StopPhase, type StopPhaseCosts } from './downtime.js';
import { diskImage, memoryImage, type Image } from './image.js';
import { inSendOrder, orderBits, permute } from './order.js';
import { hasAdaptiveRate, nextRateMbps, stopRule, type Policy, type StopReason } from './policy.js';
import type { Channel, Dom0Work } from './transfer.js';

/** Rounds of a local disk's pre-copy before memory's: at most this many (Xen's iteration cap). */
const DISK_MAX_ROUNDS = 30;
/** …or until fewer blocks than this are dirty (Xen's 50-page threshold, applied to blocks). */
const DISK_MIN_DIRTY = 50;

export interface MigrationSetup {
  readonly sim: Simulation;
  readonly vm: VM;
  readonly target: Host;
  readonly policy: Policy;
  readonly channel: Channel;
  readonly dom0: Dom0Work;
  /** Pre-copy the VM's disk (a local disk) instead of leaving it on shared storage. */
  readonly disk: boolean;
  readonly costs: StopPhaseCosts;
  /** Network redirection at the switch (lib/net's unsolicited ARP), when a network is wired in. */
  readonly redirect?: (host: Host) => void;
}

/** What one round did. */
interface RoundResult {
  readonly sent: number;
  readonly skipped: number;
  readonly bytes: number;
  readonly durationNs: number;
  readonly pending: number;
}

/**
 * One live migration: optional disk pre-copy, memory pre-copy rounds under a policy, and the stop
 * phase. A round sends the units dirty at its start (round 1: all), in the policy's order, in
 * batches of 1024; before each batch the guest's writes are brought up to date and — with Xen's
 * skip rule — units written again since the round began are left for the next round. One loop
 * serves every policy: the policy only decides rate, skip, order and when to stop.
 */
export class Migration {
  readonly rounds: SeriesRecord[] = [];
  startNs = -1;
  pausedNs = -1;
  resumedNs = -1;
  reachableNs = -1;
  memoryBytesSent = 0;
  diskBytesSent = 0;
  memoryPagesSent = 0;
  lastRoundBytes = 0;
  /** Bytes of the round under way (batches on the wire already), not yet in the sums above. */
  roundBytesSoFar = 0;
  memoryRounds = 0;
  stopReason: StopReason | null = null;
  memoryConsistent: boolean | null = null;
  diskConsistent: boolean | null = null;
  /** Why the migration was abandoned (a host or the VM failed before the switch), and when. */
  abortReason: string | null = null;
  abortedNs = -1;
  private switched = false;
  private running = false;
  private rateMbps: number;
  private readonly batch = new Int32Array(BATCH_PAGES);
  private readonly s: MigrationSetup;

  constructor(setup: MigrationSetup) {
    this.s = setup;
    this.rateMbps = setup.policy.minRateMbps ?? setup.policy.maxRateMbps ?? Number.POSITIVE_INFINITY;
  }

  get completed(): boolean {
    return this.reachableNs >= 0;
  }

  /** The stream's rate cap now, bytes/s: the adaptive limit and the fixed cap. */
  capBytesPerS(): number {
    const p = this.s.policy;
    let cap = Number.POSITIVE_INFINITY;
    if (hasAdaptiveRate(p)) cap = (this.rateMbps * BITS_PER_MIBIT) / 8;
    if (p.maxBandwidthMiBps !== undefined) cap = Math.min(cap, p.maxBandwidthMiBps * 1024 * 1024);
    return cap;
  }

  /**
   * A failure during the migration (fault injection): before the switch, the migration is
   * abandoned — the VM runs on at the source if it is still alive; after it, nothing to do here.
   */
  abort(reason: string): void {
    if (this.running && !this.switched && this.abortReason === null) {
      this.abortReason = reason;
      this.abortedNs = this.s.sim.now;
    }
  }

  *run(): Process<void> {
    this.running = true;
    try {
      yield* this.migrate();
    } catch (e) {
      if (!(e instanceof Aborted)) throw e;
      this.cleanUpAfterAbort();
    } finally {
      this.running = false;
    }
  }

  private checkAbort(): void {
    if (this.abortReason !== null) throw new Aborted();
  }

  private cleanUpAfterAbort(): void {
    const vm = this.s.vm;
    this.s.dom0.release();
    if (vm.memory.logDirtyEnabled) vm.memory.disableLogDirty();
    if (this.s.disk) vm.disk.stopTracking();
    if (vm.status !== 'crashed') {
      if (vm.vcpu.throttleFraction > 0) vm.vcpu.setThrottle(0);
      if (vm.status === 'paused') vm.resume(); // the source resumes it: Xen's failed-migration path
    }
  }

  private *migrate(): Process<void> {
    const { sim, vm, policy } = this.s;
    this.startNs = sim.now;
    vm.vcpu.sync();
    const source = vm.memory;
    const targetMemory = new PageMemory({ pages: source.pages, pageBytes: source.pageBytes, contentBacked: source.contentBacked });
    const memory = memoryImage(source, targetMemory);
    let disk: Image | null = null;
    let targetDisk = vm.disk; // shared storage: the target opens the same disk
    if (this.s.disk) {
      const d = vm.disk;
      targetDisk = new Disk(d.blocks, { blockBytes: d.blockBytes, contentBacked: d.bytes !== null });
      disk = diskImage(d, targetDisk);
      d.startTracking();
      yield* this.diskPrecopy(disk);
    }

    const precopy = policy.precopy && (policy.maxRounds === undefined || policy.maxRounds > 1);
    if (precopy) {
      source.enableLogDirty();
      yield* this.memoryPrecopy(memory);
    } else {
      this.stopReason = policy.precopy ? 'maxRounds' : 'stopAndCopy';
    }

    // Stop phase: suspend, send what is left and the CPU state, switch, start up, redirect.
    this.checkAbort();
    const stop = new StopPhase(sim, vm, this.s.costs);
    yield* stop.suspend();
    this.checkAbort();
    this.pausedNs = stop.pausedNs;
    // Pre-copy: what the log holds after the suspend; stop-and-copy: every page.
    const list = precopy ? inSendOrder(source.dirty.readAndClear(), source.pages, policy.order) : null;
    source.disableLogDirty();
    const t0 = this.pausedNs;
    const r = yield* this.sendList(memory, list, false);
    this.memoryPagesSent += r.sent;
    this.memoryBytesSent += r.bytes;
    this.lastRoundBytes = r.bytes;
    let diskFinal = 0;
    if (disk !== null) {
      const d = yield* this.sendList(disk, disk.log.readAndClear(), false);
      vm.disk.stopTracking();
      this.diskBytesSent += d.bytes;
      diskFinal = d.sent;
    }
    yield this.transmit(CPU_STATE_BYTES);
    yield this.s.channel.drain(); // the target has every byte before it starts the VM
    this.checkAbort();
    this.s.dom0.release();
    this.memoryRounds++;
    this.record(memory, this.memoryRounds, true, { sent: r.sent, skipped: 0, bytes: r.bytes, durationNs: sim.now - t0, pending: 0 }, {
      rateLimitMbps: hasAdaptiveRate(policy) ? this.rateMbps : null,
      diskBlocks: diskFinal,
      stopReason: this.stopReason,
    });

    // The switch: the target must hold exactly what the source holds.
    this.memoryConsistent = memory.firstDifference() === -1;
    if (disk !== null) this.diskConsistent = disk.firstDifference() === -1;
    vm.moveTo(this.s.target, targetMemory, targetDisk);
    this.switched = true;
    yield* stop.startOnTarget();
    if (vm.vcpu.throttleFraction > 0) vm.vcpu.setThrottle(0); // throttling ends with the migration
    this.resumedNs = stop.resumedNs;
    yield* stop.redirect(() => this.s.redirect?.(this.s.target));
    this.reachableNs = stop.reachableNs;
  }

  private *memoryPrecopy(memory: Image): Process<void> {
    const { vm, policy } = this.s;
    const n = memory.units;
    let list: Int32Array | null = null; // round 1: every page
    let prevSent = n; // Xen: sent_last_iter starts at p2m_size
    let totalSent = 0;
    const history: number[] = [];
    for (;;) {
      const round = ++this.memoryRounds;
      const rateUsed = this.rateMbps;
      const r = yield* this.liveRound(memory, list, policy.skipRedirtied);
      totalSent += r.sent;
      this.memoryPagesSent += r.sent;
      this.memoryBytesSent += r.bytes;
      history.push(r.pending);
      const durS = r.durationNs / 1e9;
      const dirtyRate = durS > 0 ? (r.pending * memory.unitBytes * 8) / BITS_PER_XEN_DIRTY_MBIT / durS : 0;
      this.record(memory, round, false, r, { rateLimitMbps: hasAdaptiveRate(policy) ? rateUsed : null });
      const reason = stopRule(policy, {
        round,
        sentPages: r.sent,
        skippedPages: r.skipped,
        prevSentPages: prevSent,
        totalSentPages: totalSent,
        memoryPages: n,
        atRateCap: hasAdaptiveRate(policy) && policy.maxRateMbps !== undefined && rateUsed >= policy.maxRateMbps,
        pendingPages: r.pending,
        pendingBytes: r.pending * memory.unitBytes,
        measuredBytesPerS: durS > 0 ? r.bytes / durS : 0,
        pendingHistory: history,
      });
      // Xen adapts the rate after every round, the one that ends pre-copy included.
      if (hasAdaptiveRate(policy)) this.rateMbps = nextRateMbps(policy, this.rateMbps, dirtyRate);
      if (policy.autoConverge && r.pending * memory.unitBytes > AUTO_CONVERGE_TRIGGER * r.bytes) {
        const t = vm.vcpu.throttleFraction;
        const next = t === 0 ? AUTO_CONVERGE_INITIAL : Math.min(AUTO_CONVERGE_MAX, t + AUTO_CONVERGE_INCREMENT);
        vm.vcpu.setThrottle(Math.round(next * 100) / 100); // whole percents, as QEMU's cpu-throttle-percentage
      }
      prevSent = r.sent;
      if (reason !== null) {
        this.stopReason = reason;
        return;
      }
      list = inSendOrder(memory.log.readAndClear(), n, policy.order);
    }
  }

  private *diskPrecopy(disk: Image): Process<void> {
    let list: Int32Array | null = null;
    let prev = Number.POSITIVE_INFINITY;
    for (let round = 1; ; round++) {
      const r = yield* this.liveRound(disk, list, false);
      this.diskBytesSent += r.bytes;
      this.record(disk, round, false, r, {});
      // Stop when few blocks are dirty, at the round cap, or when the dirty set stops shrinking.
      if (r.pending < DISK_MIN_DIRTY || round >= DISK_MAX_ROUNDS || r.pending >= prev) return;
      prev = r.pending;
      list = disk.log.readAndClear();
    }
  }

  private *liveRound(image: Image, list: Int32Array | null, skip: boolean): Process<RoundResult> {
    const { sim, vm } = this.s;
    const t0 = sim.now;
    const r = yield* this.sendList(image, list, skip);
    this.s.dom0.idle();
    vm.vcpu.sync();
    return { ...r, durationNs: sim.now - t0, pending: image.log.count };
  }

  /**
   * Send `list` (null: every unit, in the policy's order) in batches. Before each batch the
   * guest's writes are brought up to now (the lazy vCPU generates them); with `skip`, units dirty
   * again since the round began are counted and left for the next round (Xen peeks the log-dirty
   * bitmap before every batch). A unit is copied as it is when its batch is mapped; a later write
   * dirties it again. Cost: O(units in the list), typed arrays only.
   */
  private *sendList(image: Image, list: Int32Array | null, skip: boolean): Generator<Yieldable, { sent: number; skipped: number; bytes: number }, unknown> {
    const vm = this.s.vm;
    const log = image.log;
    const batch = this.batch;
    const units = image.units;
    const n = list === null ? units : list.length;
    // Every unit in Xen's order is computed on the fly (no 4-million-entry list for 16 GiB).
    const xenAll = list === null && image.resource === 'memory' && this.s.policy.order === 'xen' && units > 1024;
    const bits = orderBits(units);
    // Every page in Xen's order jumps 1024 pages per step: copying page by page there would miss
    // the cache on every page. Such a pass marks what it sends and copies the marked pages in
    // address order when it ends. A page written between its send and the end of the pass is
    // dirty already, so it is sent again in the next round; what the target holds at the switch
    // is the same — and the target gets each page's version as it was when sent, so a page that
    // a later round fails to resend shows at the switch, whatever the order.
    const marks = xenAll ? this.sentMarks(units) : null;
    const sentVersions = marks !== null ? this.sentVersionsBuffer(units) : null;
    const sv = image.sourceVersions;
    let sent = 0;
    let skipped = 0;
    let k = 0;
    while (k < n) {
      vm.vcpu.sync();
      let b = 0;
      if (marks !== null) {
        while (b < BATCH_PAGES && k < n) {
          const p = permute(k++, units, bits);
          if (skip && log.isDirty(p)) skipped++;
          else {
            marks[p] = 1;
            sentVersions![p] = sv[p]!;
            b++;
          }
        }
      } else if (skip) {
        while (b < BATCH_PAGES && k < n) {
          const p = list !== null ? list[k]! : k;
          k++;
          if (log.isDirty(p)) skipped++;
          else batch[b++] = p;
        }
        image.copy(batch, 0, b);
      } else {
        const end = Math.min(n, k + BATCH_PAGES);
        if (list === null) image.copyRange(k, end);
        else image.copy(list, k, end);
        b = end - k;
        k = end;
      }
      if (b === 0) continue;
      sent += b;
      yield this.transmit(b * image.unitBytes);
      this.roundBytesSoFar += b * image.unitBytes;
      this.checkAbort();
    }
    this.roundBytesSoFar = 0; // the caller adds the round's bytes to its sums
    if (marks !== null) copyMarked(image, marks, sentVersions!);
    return { sent, skipped, bytes: sent * image.unitBytes };
  }

  private marks: Uint8Array | null = null;
  private sentVersions: Uint32Array | null = null;

  /** Each marked page's version at its send, reused across passes (only marked entries are read). */
  private sentVersionsBuffer(units: number): Uint32Array {
    if (this.sentVersions === null || this.sentVersions.length !== units) this.sentVersions = new Uint32Array(units);
    return this.sentVersions;
  }

  /** A cleared byte per page, reused across passes. */
  private sentMarks(units: number): Uint8Array {
    if (this.marks === null || this.marks.length !== units) this.marks = new Uint8Array(units);
    else this.marks.fill(0);
    return this.marks;
  }

  /** Put `bytes` on the stream at the policy's cap, within what domain 0's CPU share allows. */
  private transmit(bytes: number): Yieldable {
    const want = Math.min(this.capBytesPerS(), this.s.channel.goodputBytesPerS);
    const rate = this.s.dom0.want(want);
    this.s.dom0.spent(bytes);
    return this.s.channel.send(bytes, rate);
  }

  private record(image: Image, round: number, final: boolean, r: RoundResult, extra: SeriesRecord): void {
    const durS = r.durationNs / 1e9;
    this.rounds.push({
      resource: image.resource,
      round,
      final,
      startS: (this.s.sim.now - r.durationNs) / 1e9,
      pages: r.sent,
      skippedPages: r.skipped,
      bytes: r.bytes,
      sentMiB: r.bytes / 1048576,
      durationMs: r.durationNs / 1e6,
      rateMbps: durS > 0 ? (r.bytes * 8) / 1e6 / durS : 0,
      dirtyPages: r.pending,
      dirtyRateMbps: durS > 0 ? (r.pending * image.unitBytes * 8) / 1e6 / durS : 0,
      throttlePct: this.s.vm.vcpu.throttleFraction * 100,
      ...extra,
    });
  }
}

/** Copy the marked units, run by run in address order, with their versions as sent. */
function copyMarked(image: Image, marks: Uint8Array, sentVersions: Uint32Array): void {
  const n = marks.length;
  let i = 0;
  while (i < n) {
    while (i < n && marks[i] === 0) i++;
    const first = i;
    while (i < n && marks[i] === 1) i++;
    if (i > first) image.copyRangeAsSent(first, i, sentVersions);
  }
}

/** Thrown inside the migration process to unwind it when a failure abandons the migration. */
class Aborted extends Error {
  constructor() {
    super('migration aborted');
  }
}
