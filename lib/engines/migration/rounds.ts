import type { Process, Simulation, Yieldable } from '../../sim/index.js';
import { Disk, PageMemory, type Host, type VM } from '../../vm/index.js';
import { BATCH_PAGES, BITS_PER_MIBIT, BITS_PER_XEN_DIRTY_MBIT, CPU_STATE_BYTES } from './costs.js';
import { StopPhase, type StopPhaseCosts } from './downtime.js';
import { diskImage, memoryImage, type Image } from './image.js';
import type { RoundExtra, RoundRow } from './metrics.js';
import { allPages, inSendOrder, orderBits, permute } from './order.js';
import { hasAdaptiveRate, nextRateMbps, stopRule, type Policy, type StopReason } from './policy.js';
import { AutoConvergeSchedule, BandwidthMeter, mergeAtSync } from './qemu.js';
import type { Dom0Work, TransferPath } from './transfer.js';

/** Rounds of a local disk's pre-copy before memory's: at most this many (Xen's iteration cap). */
const DISK_MAX_ROUNDS = 30;
/** …or until fewer blocks than this are dirty (Xen's 50-page threshold, applied to blocks). */
const DISK_MIN_DIRTY = 50;

export interface MigrationSetup {
  readonly sim: Simulation;
  readonly vm: VM;
  readonly target: Host;
  readonly policy: Policy;
  readonly path: TransferPath;
  readonly dom0: Dom0Work;
  /** Pre-copy the VM's disk (a local disk) instead of leaving it on shared storage. */
  readonly disk: boolean;
  readonly costs: StopPhaseCosts;
  /** Network redirection at the switch (lib/net's unsolicited ARP): client packets go to `host`. */
  readonly redirect: (host: Host) => void;
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
  readonly rounds: RoundRow[] = [];
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
  /** Auto-converge's period state (with `migration.autoConverge`). */
  private converge: AutoConvergeSchedule | null = null;
  private running = false;
  private rateMbps: number;
  private readonly batch = new Int32Array(BATCH_PAGES);
  private readonly setup: MigrationSetup;

  constructor(setup: MigrationSetup) {
    this.setup = setup;
    this.rateMbps = setup.policy.minRateMbps ?? setup.policy.maxRateMbps ?? Number.POSITIVE_INFINITY;
  }

  get completed(): boolean {
    return this.reachableNs >= 0;
  }

  /** The stream's rate cap now, bytes/s: the adaptive limit and the fixed cap. */
  capBytesPerS(): number {
    const p = this.setup.policy;
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
      this.abortedNs = this.setup.sim.now;
    }
  }

  /**
   * Begin now: from this instant a failure abandons the migration (`abort`), even one in the same
   * instant before the process takes its first step. Pass the result to `sim.process`.
   */
  run(): Process<void> {
    this.running = true;
    this.startNs = this.setup.sim.now;
    if (!this.setup.target.alive) this.abort(`target host ${this.setup.target.name} is down`);
    return this.process();
  }

  private *process(): Process<void> {
    try {
      this.checkAbort();
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
    const vm = this.setup.vm;
    this.setup.dom0.release();
    if (vm.memory.logDirtyEnabled) vm.memory.disableLogDirty();
    if (this.setup.disk) vm.disk.stopTracking();
    if (vm.status !== 'crashed') {
      if (vm.vcpu.throttleFraction > 0) vm.vcpu.setThrottle(0);
      if (vm.status === 'paused') vm.resume(); // the source resumes it: Xen's failed-migration path
    }
  }

  private *migrate(): Process<void> {
    const { sim, vm, policy } = this.setup;
    vm.vcpu.sync();
    const source = vm.memory;
    const targetMemory = new PageMemory({ pages: source.pages, pageBytes: source.pageBytes, contentBacked: source.contentBacked });
    targetMemory.zeroFrom = source.zeroFrom;
    const memory = memoryImage(source, targetMemory);
    let disk: Image | null = null;
    let targetDisk = vm.disk; // shared storage: the target opens the same disk
    if (this.setup.disk) {
      const d = vm.disk;
      targetDisk = new Disk(d.blocks, { blockBytes: d.blockBytes, contentBacked: d.bytes !== null });
      disk = diskImage(d, targetDisk);
      d.startTracking();
      yield* this.diskPrecopy(disk);
    }

    const precopy = policy.precopy && (policy.maxRounds === undefined || policy.maxRounds > 1);
    // Pages still to send that are not in the dirty log (QEMU's bitmap keeps its unsent rest).
    let leftover: Int32Array | null = null;
    if (precopy) {
      source.enableLogDirty();
      if (policy.autoConverge) this.converge = new AutoConvergeSchedule(sim.now, this.memoryBytesSent + this.diskBytesSent);
      leftover = yield* this.memoryPrecopy(memory);
    } else {
      this.stopReason = policy.precopy ? 'maxRounds' : 'stopAndCopy';
    }

    // Stop phase: suspend, send what is left and the CPU state, switch, start up, redirect.
    this.checkAbort();
    const stop = new StopPhase(sim, vm, this.setup.costs);
    yield* stop.suspend();
    this.checkAbort();
    this.pausedNs = stop.pausedNs;
    // Pre-copy: what the log holds after the suspend (and what QEMU's bitmap still had); stop-and-copy: every page.
    let list = precopy ? inSendOrder(source.dirty.readAndClear(), source.pages, policy.order) : null;
    if (list !== null && leftover !== null && leftover.length > 0) list = mergeAtSync(leftover, list, 0).pages;
    source.disableLogDirty();
    const t0 = this.pausedNs;
    const r = yield* this.sendList(memory, list, false, policy.capStopPhase);
    this.memoryPagesSent += r.sent;
    this.memoryBytesSent += r.bytes;
    this.lastRoundBytes = r.bytes;
    let diskFinal = 0;
    if (disk !== null) {
      const d = yield* this.sendList(disk, disk.log.readAndClear(), false, policy.capStopPhase);
      vm.disk.stopTracking();
      this.diskBytesSent += d.bytes;
      diskFinal = d.sent;
    }
    yield this.transmit(CPU_STATE_BYTES, policy.capStopPhase);
    yield this.setup.path.drain(); // the target has every byte before it starts the VM
    this.checkAbort();
    this.setup.dom0.release();
    this.memoryRounds++;
    this.record(memory, this.memoryRounds, true, { sent: r.sent, skipped: 0, bytes: r.bytes, durationNs: sim.now - t0, pending: 0 }, {
      rateLimitMbps: hasAdaptiveRate(policy) ? this.rateMbps : null,
      diskBlocks: diskFinal,
      stopReason: this.stopReason,
    });

    // The switch: the target must hold exactly what the source holds.
    this.memoryConsistent = memory.firstDifference() === -1;
    if (disk !== null) this.diskConsistent = disk.firstDifference() === -1;
    vm.moveTo(this.setup.target, targetMemory, targetDisk);
    this.switched = true;
    yield* stop.startOnTarget();
    if (vm.vcpu.throttleFraction > 0) vm.vcpu.setThrottle(0); // throttling ends with the migration
    this.resumedNs = stop.resumedNs;
    yield* stop.redirect(() => this.setup.redirect(this.setup.target));
    this.reachableNs = stop.reachableNs;
  }

  private *memoryPrecopy(memory: Image): Process<Int32Array | null> {
    const { vm, policy } = this.setup;
    if (policy.dirtySync === 'threshold') return yield* this.qemuPrecopy(memory);
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
      // A round's end is a dirty-bitmap sync: auto-converge looks at it on QEMU's schedule.
      this.autoConverge(r.pending, memory.unitBytes);
      prevSent = r.sent;
      if (reason !== null) {
        this.stopReason = reason;
        return null;
      }
      list = inSendOrder(memory.log.readAndClear(), n, policy.order);
    }
  }

  /**
   * A dirty-bitmap sync found `newDirtyPages` pages newly dirty: auto-converge's period is judged on
   * QEMU's schedule (qemu.ts) and the vCPU throttle steps when it says so.
   */
  private autoConverge(newDirtyPages: number, pageBytes: number): void {
    if (this.converge === null) return;
    const vm = this.setup.vm;
    const pct = Math.round(vm.vcpu.throttleFraction * 100);
    const next = this.converge.onSync(this.setup.sim.now, newDirtyPages, pageBytes, this.memoryBytesSent + this.diskBytesSent, pct);
    if (next !== null) vm.vcpu.setThrottle(next / 100); // whole percents, as QEMU's cpu-throttle-percentage
  }

  /**
   * QEMU 7.2's precopy (migration_thread → migration_iteration_run → ram_save_iterate): the
   * migration bitmap starts with every page set; pages are sent in address order from where the
   * last send stopped, a step at a time (a batch), and after each step the bandwidth meter may close
   * a 100-ms window and set the threshold (bandwidth × downtime limit). Before each step, when
   * what is left of the bitmap is below the threshold, the dirty log is synced into it (a new
   * iteration: one row of `series.rounds`); if what is then pending is still below the threshold
   * — or nothing is pending — the VM is stopped. Returns the pages still set in the bitmap.
   */
  private *qemuPrecopy(memory: Image): Process<Int32Array | null> {
    const { sim, vm, policy } = this.setup;
    const n = memory.units;
    const pb = memory.unitBytes;
    const limitMs = policy.downtimeLimitMs ?? 0;
    const meter = new BandwidthMeter(sim.now, this.memoryBytesSent, limitMs);
    // Other stop rules set by key (a round cap, a data factor) apply at each sync, as rounds end there.
    const others: Policy = { ...policy, downtimeLimitMs: undefined, stopOnNoDirty: false };
    let pending = allPages(n, 'address');
    let pos = 0;
    let lastPage = 0;
    let prevSent = n;
    let totalSent = 0;
    const history: number[] = [];
    let roundStart = sim.now;
    let roundSent = 0;
    let roundBytes = 0;
    for (;;) {
      const restBytes = (pending.length - pos) * pb; // QEMU counts every page in the bitmap as a full page
      if (restBytes < meter.thresholdBytes) {
        // ram_save_pending: sync the dirty log into the bitmap — the iteration that ran ends here.
        vm.vcpu.sync();
        const dirty = inSendOrder(memory.log.readAndClear(), n, 'address');
        const merged = mergeAtSync(pending.subarray(pos), dirty, lastPage);
        pending = merged.pages;
        pos = 0;
        const round = ++this.memoryRounds;
        totalSent += roundSent;
        history.push(pending.length);
        const r: RoundResult = { sent: roundSent, skipped: 0, bytes: roundBytes, durationNs: sim.now - roundStart, pending: pending.length };
        this.record(memory, round, false, r, { rateLimitMbps: null, measuredMbps: (meter.bytesPerS * 8) / 1e6, newDirtyPages: merged.added });
        this.autoConverge(merged.added, pb);
        const pendingBytes = pending.length * pb;
        // migration_iteration_run: nothing pending, or less than the threshold: switch over.
        let reason: StopReason | null = null;
        if (pendingBytes === 0) reason = 'noDirty';
        else if (pendingBytes < meter.thresholdBytes) reason = 'downtimeLimit';
        else
          reason = stopRule(others, {
            round,
            sentPages: roundSent,
            skippedPages: 0,
            prevSentPages: prevSent,
            totalSentPages: totalSent,
            memoryPages: n,
            atRateCap: false,
            pendingPages: pending.length,
            pendingBytes,
            measuredBytesPerS: meter.bytesPerS,
            pendingHistory: history,
          });
        if (reason !== null) {
          this.stopReason = reason;
          return pending;
        }
        prevSent = roundSent;
        roundStart = sim.now;
        roundSent = 0;
        roundBytes = 0;
      } else if (restBytes === 0) {
        // Nothing left and no threshold yet (the first window has not closed): QEMU completes
        // without a sync; the stop phase reads the dirty log.
        vm.vcpu.sync();
        const round = ++this.memoryRounds;
        const r: RoundResult = { sent: roundSent, skipped: 0, bytes: roundBytes, durationNs: sim.now - roundStart, pending: memory.log.count };
        this.record(memory, round, false, r, { rateLimitMbps: null, measuredMbps: (meter.bytesPerS * 8) / 1e6, newDirtyPages: 0 });
        this.stopReason = 'noDirty';
        return null;
      }
      // qemu_savevm_state_iterate: one step of pages from the scan position.
      const end = Math.min(pending.length, pos + BATCH_PAGES);
      const step = yield* this.sendList(memory, pending.subarray(pos, end), false);
      lastPage = pending[end - 1]! + 1;
      pos = end;
      roundSent += step.sent;
      roundBytes += step.bytes;
      this.memoryPagesSent += step.sent;
      this.memoryBytesSent += step.bytes;
      // migration_rate_limit → migration_update_counters.
      meter.update(sim.now, this.memoryBytesSent);
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
    const { sim, vm } = this.setup;
    const t0 = sim.now;
    const r = yield* this.sendList(image, list, skip);
    this.setup.dom0.idle();
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
  private *sendList(image: Image, list: Int32Array | null, skip: boolean, capped = true): Generator<Yieldable, { sent: number; skipped: number; bytes: number }, unknown> {
    const vm = this.setup.vm;
    const policy = this.setup.policy;
    // What a page costs on the stream: QEMU puts a header before each page and sends a page of
    // zeros as its header and one byte (the zero check reads the page as it is sent).
    const header = image.resource === 'memory' ? policy.pageHeaderBytes : 0;
    const zeroBytes = image.resource === 'memory' ? policy.zeroPageBytes : undefined;
    const memory = vm.memory;
    let bytesSent = 0;
    const log = image.log;
    const batch = this.batch;
    const units = image.units;
    const n = list === null ? units : list.length;
    // Every unit in Xen's order is computed on the fly (no 4-million-entry list for 16 GiB).
    const xenAll = list === null && image.resource === 'memory' && this.setup.policy.order === 'xen' && units > 1024;
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
        if (zeroBytes !== undefined) {
          let zeros = 0;
          for (let i = k; i < end; i++) if (memory.isZero(list === null ? i : list[i]!)) zeros++;
          const batchBytes = zeros * zeroBytes + (b - zeros) * (image.unitBytes + header);
          bytesSent += batchBytes;
          k = end;
          sent += b;
          yield this.transmit(batchBytes, capped);
          this.roundBytesSoFar += batchBytes; // a run cut short mid-round reports what already left
          this.checkAbort();
          continue;
        }
        k = end;
      }
      if (b === 0) continue;
      sent += b;
      bytesSent += b * (image.unitBytes + header);
      yield this.transmit(b * (image.unitBytes + header), capped);
      this.roundBytesSoFar += b * (image.unitBytes + header);
      this.checkAbort();
    }
    this.roundBytesSoFar = 0; // the caller adds the round's bytes to its sums
    if (marks !== null) copyMarked(image, marks, sentVersions!);
    return { sent, skipped, bytes: bytesSent };
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

  /** Put `bytes` on the stream at the policy's cap (unless lifted), within what domain 0's CPU share allows. */
  private transmit(bytes: number, capped = true): Yieldable {
    const want = capped ? Math.min(this.capBytesPerS(), this.setup.path.goodputBytesPerS) : this.setup.path.goodputBytesPerS;
    const rate = this.setup.dom0.want(want);
    this.setup.dom0.spent(bytes);
    return this.setup.path.send(bytes, rate);
  }

  private record(image: Image, round: number, final: boolean, r: RoundResult, extra: RoundExtra): void {
    const durS = r.durationNs / 1e9;
    this.rounds.push({
      resource: image.resource,
      round,
      final,
      startS: (this.setup.sim.now - r.durationNs) / 1e9,
      pages: r.sent,
      skippedPages: r.skipped,
      bytes: r.bytes,
      sentMiB: r.bytes / 1048576,
      durationMs: r.durationNs / 1e6,
      rateMbps: durS > 0 ? (r.bytes * 8) / 1e6 / durS : 0,
      dirtyPages: r.pending,
      dirtyRateMbps: durS > 0 ? (r.pending * image.unitBytes * 8) / 1e6 / durS : 0,
      throttlePct: this.setup.vm.vcpu.throttleFraction * 100,
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
