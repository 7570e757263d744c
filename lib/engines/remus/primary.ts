import type { SeriesRecord } from '../../metrics/records.js';
import { Signal, type Process, type Simulation } from '../../sim/index.js';
import { OutputBuffer } from './output-buffer.js';
import type { Host, VM } from '../../vm/index.js';
import { Replica, type Checkpoint } from './backup.js';
import { CheckpointCompressor, stageBytes } from './compression.js';
import { CHECKPOINT_HEADER_BYTES, DISK_WRITE_HEADER_BYTES } from './costs.js';
import { CpuTask } from './cpu-task.js';
import { sparseCloneDisk, sparseCloneMemory, type SnapshotKeeper } from './invariants.js';
import type { ReplicationStream, ReplicationTransport } from './transport.js';
import type { RemusConfig } from './params.js';
import type { RandomStream } from '../../sim/index.js';
import type { RemusTimeline } from './timeline.js';

/** Staged page and version buffers reused in turn (one checkpoint in flight, one staged, one spare). */
const VERSION_RING = 3;

/** At most this many `epochs` rows are kept (the first ones): a day of 10 ms epochs is 8.6 million. */
export const EPOCH_SERIES_MAX = 100_000;

/** Forwarded disk writes are sent once this many bytes wait (a socket buffer's worth). */
const DISK_BATCH_BYTES = 64 * 1024;

export type PrimaryState = 'protected' | 'unprotected' | 'crashed' | 'failed-over';

/** Running sums for the metrics of one primary. */
export interface PrimaryStats {
  checkpoints: number;
  acked: number;
  pauseNsSum: number;
  /** The suspend/resume part of the pauses (C7). */
  suspendNsSum: number;
  transmitNsSum: number;
  epochNsSum: number;
  epochIntervals: number;
  dirtyPagesSum: number;
  rawBytes: number;
  wireBytes: number;
  diskWrites: number;
  diskBytes: number;
  firstCheckpointNs: number;
  lastCheckpointNs: number;
}

export interface PrimaryOptions {
  readonly sim: Simulation;
  readonly id: number;
  readonly vm: VM;
  readonly host: Host;
  readonly backup: Host;
  readonly transport: ReplicationTransport;
  readonly config: RemusConfig;
  readonly rng: RandomStream;
  /** Capture snapshots for the failover invariants (only when a crash is scheduled). */
  readonly snapshots: SnapshotKeeper | null;
  /** Record per-epoch series rows (all of them: they are the `series.epochs` of the contract). */
  readonly epochs: SeriesRecord[];
  readonly timeline: RemusTimeline;
}

/**
 * The primary's side of Remus (§2): the protected VM runs speculatively; every epoch it is
 * suspended, its dirty pages are copied to a staging buffer, it resumes, and the buffer goes to
 * the backup asynchronously. Disk writes go through locally and are forwarded as they happen.
 * Outbound packets wait in the output buffer until the backup acknowledges their checkpoint.
 * When transmission is the bottleneck the next checkpoint waits for the previous acknowledgement
 * (Remus's checkpoint callback blocks on the ack), so fewer checkpoints than configured happen.
 */
export class Primary {
  readonly id: number;
  readonly vm: VM;
  readonly host: Host;
  private _replica: Replica | null = null;
  readonly output: OutputBuffer | null;
  readonly stats: PrimaryStats = {
    checkpoints: 0,
    acked: 0,
    pauseNsSum: 0,
    suspendNsSum: 0,
    transmitNsSum: 0,
    epochNsSum: 0,
    epochIntervals: 0,
    dirtyPagesSum: 0,
    rawBytes: 0,
    wireBytes: 0,
    diskWrites: 0,
    diskBytes: 0,
    firstCheckpointNs: -1,
    lastCheckpointNs: -1,
  };
  private readonly opts: PrimaryOptions;
  private readonly stream: ReplicationStream;
  private readonly compressor: CheckpointCompressor | null;
  private _state: PrimaryState = 'protected';
  private epoch = 1;
  private inflight: Signal<void> | null = null;
  private tasks = new Set<CpuTask>();
  private unsubscribeDisk: (() => void) | null = null;
  private lastStart = -1;
  private diskBatch = 0;
  private readonly ring: Uint32Array[] = Array.from({ length: VERSION_RING }, () => new Uint32Array(1024));
  private readonly pageRing: Int32Array[] = Array.from({ length: VERSION_RING }, () => new Int32Array(1024));
  /** The newest staged checkpoint (acknowledged or not), for the end-of-run drain check. */
  staged: Checkpoint | null = null;
  private _unprotectedAt = -1;

  constructor(o: PrimaryOptions) {
    this.opts = o;
    this.id = o.id;
    this.vm = o.vm;
    this.host = o.host;
    const pb = o.vm.memory.pageBytes;
    const costs = o.config.costs;
    // With one primary the backup's CPU is uncontended and never binds: no claim to keep.
    const cpu = { sendNsPerByte: costs.sendNsPerByte, recvNsPerByte: o.config.primaries > 1 ? costs.recvNsPerByte : 0 };
    // One ordered stream per primary carries its disk writes as they happen and its checkpoints:
    // a checkpoint that has arrived implies every write of its epoch has (the backup's ack
    // condition, Remus §2.4), at the cost of one stream update per batch.
    this.stream = o.transport.stream(`p${o.id}`, o.host, o.backup, cpu);
    this.output = o.config.memory ? new OutputBuffer(o.vm.nic, { holding: o.config.netBuffering }) : null;
    this.compressor =
      o.config.compression === 'none' || !o.config.memory
        ? null
        : new CheckpointCompressor(o.config.compression, pb, o.config.cachePages, o.config.writeModel, o.rng, costs);
  }

  /** The backup's copy of this VM (exists once started). */
  get replica(): Replica {
    if (this._replica === null) throw new Error('remus primary not started');
    return this._replica;
  }

  /** Replication bytes that reached the backup (checkpoints and disk writes; in-flight ones excluded). */
  get deliveredBytes(): number {
    return this.stream.delivered;
  }

  get state(): PrimaryState {
    return this._state;
  }
  /** The newest epoch the primary's guest has run in (its speculative frontier). */
  get currentEpoch(): number {
    return this.epoch;
  }
  get compressionRatio(): number {
    return this.compressor?.ratio ?? 1;
  }
  /** When the primary lost its backup and went on alone (−1: never). */
  get unprotectedAt(): number {
    return this._unprotectedAt;
  }

  start(): void {
    const vm = this.vm;
    // The initial synchronisation (Remus starts from a live migration of the whole VM) is taken
    // as done at t = 0, after the workload set up its state: the backup starts from a full copy.
    this._replica = new Replica({
      image: this.opts.config.memory ? sparseCloneMemory(vm.memory) : null,
      disk: sparseCloneDisk(vm.disk),
      cpu: this.opts.config.memory ? vm.cpuState() : null,
    });
    if (this.opts.config.memory) vm.memory.enableLogDirty();
    if (this.opts.config.disk) {
      this.unsubscribeDisk = vm.disk.onWrite((w) => {
        if (this._state !== 'protected') return;
        // The write completes locally at once; its copy goes to the backup asynchronously.
        const bytes = vm.disk.blockBytes + DISK_WRITE_HEADER_BYTES;
        this.replica.holdWrite(vm.epoch, w);
        this.stats.diskWrites++;
        this.stats.diskBytes += bytes;
        // Writes leave in batches: with memory replication they join the stream at the next
        // barrier (or once DISK_BATCH_BYTES accumulate); disk-only, at the end of the instant.
        if (this.diskBatch === 0 && !this.opts.config.memory) this.opts.sim.schedule(0, () => this.flushDisk());
        this.diskBatch += bytes;
        if (this.diskBatch >= DISK_BATCH_BYTES) this.flushDisk();
      });
    }
    vm.beginEpoch(this.epoch);
    this.opts.sim.process(this.loop(), `remus-primary-${this.id}`);
  }

  /** The host died: stop everything; buffered (speculative) output dies with it. */
  crash(): void {
    if (this._state === 'crashed') return;
    this._state = 'crashed';
    this.stopWork();
    this.output?.discard();
  }

  /** The backup is gone (detected by timeout): run on unprotected, releasing held output. */
  goUnprotected(): void {
    if (this._state !== 'protected') return;
    this._state = 'unprotected';
    this._unprotectedAt = this.opts.sim.now;
    this.stopWork();
    if (this.opts.config.memory) this.vm.memory.disableLogDirty();
    this.output?.stopHolding();
    this.opts.timeline.record('unprotected', 'backup silent: continuing without protection', this.id);
  }

  /** The VM now runs on the backup: the primary side is finished. */
  failedOver(): void {
    this._state = 'failed-over';
    this.stopWork();
    this.output?.detach();
  }

  private stopWork(): void {
    this.unsubscribeDisk?.();
    this.unsubscribeDisk = null;
    for (const t of this.tasks) t.cancel();
    this.tasks.clear();
  }

  private *loop(): Process<void> {
    const { sim, config } = this.opts;
    let next = sim.now + config.epochNs;
    while (this._state === 'protected') {
      const wait = next - sim.now;
      if (wait > 0) yield wait;
      if (this._state !== 'protected') return;
      // The next checkpoint cannot start before the previous one was acknowledged.
      if (this.inflight !== null && !this.inflight.triggered) {
        yield this.inflight;
        if (this._state !== 'protected') return;
      }
      if (!this.vm.running) {
        // The guest is down without its host (a VM crash): Remus does not notice; nothing to copy.
        return;
      }
      const start = sim.now;
      if (this.lastStart >= 0) {
        this.stats.epochNsSum += start - this.lastStart;
        this.stats.epochIntervals++;
      }
      this.lastStart = start;
      if (config.memory) yield* this.checkpoint(start);
      else this.diskBarrier(start);
      if (this._state !== 'protected') return;
      next = start + config.epochNs;
    }
  }

  /** Suspend, stage the dirty pages, resume; then transmit asynchronously. */
  private *checkpoint(start: number): Process<void> {
    const { sim, config } = this.opts;
    const vm = this.vm;
    const k = this.epoch;
    vm.vcpu.sync(); // the guest's writes up to now, before the dirty log is read
    vm.pause();
    // At most one checkpoint is in flight (the next waits for its ack): a ring of three buffers
    // holds the staged pages and versions without allocating per checkpoint.
    const slot = k % VERSION_RING;
    const log = vm.memory.dirty;
    if (this.pageRing[slot]!.length < log.count) this.pageRing[slot] = new Int32Array(Math.max(log.count, 2 * this.pageRing[slot]!.length));
    const pages = this.pageRing[slot]!.subarray(0, log.readAndClearInto(this.pageRing[slot]!));
    if (this.ring[slot]!.length < pages.length) this.ring[slot] = new Uint32Array(Math.max(pages.length, 2 * this.ring[slot]!.length));
    const versions = this.ring[slot]!.subarray(0, pages.length);
    const mv = vm.memory.versions;
    for (let i = 0; i < pages.length; i++) versions[i] = mv[pages[i]!]!;
    const cp: Checkpoint = { epoch: k, pages, versions, bytes: stageBytes(vm.memory, pages), cpu: vm.cpuState() };
    if (this.diskBatch > 0) this.flushDisk();
    this.opts.snapshots?.take(k, vm.memory, vm.disk);
    const c = config.costs;
    const suspend = config.optimisedSuspend ? c.suspendResumeNs : c.stockSuspendResumeNs;
    const pause = suspend + c.bitmapScanNsPerVmPage * vm.memory.pages + c.pageCopyNsPerPage * pages.length;
    this.staged = cp;
    yield pause;
    if (this._state === 'unprotected' && vm.status === 'paused') vm.resume();
    if (this._state !== 'protected') return;
    this.epoch = k + 1;
    vm.beginEpoch(k + 1);
    vm.resume();
    const resumedAt = sim.now;
    const s = this.stats;
    s.checkpoints++;
    if (s.firstCheckpointNs < 0) s.firstCheckpointNs = start;
    s.lastCheckpointNs = start;
    s.pauseNsSum += pause;
    s.suspendNsSum += suspend;
    s.dirtyPagesSum += pages.length;
    const raw = pages.length * vm.memory.pageBytes;
    s.rawBytes += raw;
    const row: SeriesRecord = {
      primary: this.id,
      epoch: k,
      startS: start / 1e9,
      dirtyPages: pages.length,
      pauseMs: pause / 1e6,
      wireKiB: 0,
      transmitMs: null,
      ackS: null,
    };
    if (this.opts.epochs.length < EPOCH_SERIES_MAX) this.opts.epochs.push(row);
    const acked = new Signal<void>(`ack-${this.id}-${k}`);
    this.inflight = acked;
    const send = (wire: number): void => {
      if (this._state !== 'protected') return;
      const bytes = wire + CHECKPOINT_HEADER_BYTES;
      s.wireBytes += bytes;
      row.wireKiB = bytes / 1024;
      const offset = this.stream.enqueue(bytes);
      this.stream.whenDelivered(offset, () => this.backupCommit(k, cp, resumedAt, row, acked));
    };
    if (this.compressor !== null) {
      const c = this.compressor.compress(pages, versions, cp.bytes);
      const task = new CpuTask(sim, this.host.dom0Cpu, c.cpuNs, () => {
        this.tasks.delete(task);
        send(c.bytes);
      });
      this.tasks.add(task);
    } else send(raw);
  }

  private flushDisk(): void {
    const b = this.diskBatch;
    this.diskBatch = 0;
    if (b > 0 && this._state === 'protected') this.stream.enqueue(b);
  }

  /** Disk-only mode (remus.memory=false): a barrier per epoch, no suspension. */
  private diskBarrier(start: number): void {
    const k = this.epoch;
    if (this.diskBatch > 0) this.flushDisk();
    const offset = this.stream.enqueue(DISK_WRITE_HEADER_BYTES);
    this.stats.diskBytes += DISK_WRITE_HEADER_BYTES;
    this.opts.snapshots?.take(k, null, this.vm.disk);
    this.epoch = k + 1;
    this.vm.beginEpoch(k + 1);
    this.stats.checkpoints++;
    if (this.stats.firstCheckpointNs < 0) this.stats.firstCheckpointNs = start;
    this.stats.lastCheckpointNs = start;
    const row: SeriesRecord = { primary: this.id, epoch: k, startS: start / 1e9, dirtyPages: 0, pauseMs: 0, wireKiB: 0, transmitMs: null, ackS: null };
    if (this.opts.epochs.length < EPOCH_SERIES_MAX) this.opts.epochs.push(row);
    const acked = new Signal<void>(`ack-${this.id}-${k}`);
    this.inflight = acked;
    this.stream.whenDelivered(offset, () => this.backupCommit(k, null, start, row, acked));
  }

  /** On the backup: process the checkpoint's tail, commit it, acknowledge. */
  private backupCommit(k: number, cp: Checkpoint | null, sentAt: number, row: SeriesRecord, acked: Signal<void>): void {
    const { sim, transport, backup } = this.opts;
    sim.schedule(this.opts.config.costs.checkpointCommitNs, () => {
      // A checkpoint that fully arrived commits even if the primary died meanwhile; never after
      // the backup's image became the running VM.
      if (!backup.alive || this._state === 'failed-over') return;
      this.replica.commit(k, cp);
      this.opts.snapshots?.committed(k);
      transport.message(backup, this.host, () => {
        if (this._state !== 'protected' && this._state !== 'unprotected') return;
        this.output?.release(k);
        const transmit = sim.now - sentAt;
        this.stats.acked++;
        this.stats.transmitNsSum += transmit;
        row.transmitMs = transmit / 1e6;
        row.ackS = sim.now / 1e9;
        if (!acked.triggered) acked.trigger();
      });
    });
  }
}
