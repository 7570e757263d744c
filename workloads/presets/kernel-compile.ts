import { InputError, numberParam } from '../../lib/params/index.js';
import { Signal } from '../../lib/sim/index.js';
import type { VM } from '../../lib/vm/index.js';
import { RateCarry, vmPages } from '../workload.js';
import { WritePattern, type WritePatternState } from '../write-pattern.js';
import { type GuestDefinition, defineWorkload } from '../define-workload.js';

const NS_PER_S = 1e9;

/** What a checkpoint of the build carries besides memory: its write carries, cursor and patterns. */
interface KernelCompileState {
  readonly hotW: number;
  readonly coldW: number;
  readonly disk: number;
  readonly cursor: number;
  readonly hot: WritePatternState;
  readonly cold: WritePatternState;
}

/**
 * A Linux kernel build (Remus fig. 6, C4): a fixed amount of CPU work — ≈310 s on the Remus
 * testbed with no protection — that keeps the vCPU busy, and a compiler-like writable working
 * set: a small hot set (stacks, page tables, allocator metadata, the object being built) rewritten every few
 * milliseconds — every checkpoint sends all of it, however short the epoch — and a stream of fresh
 * pages (new heap, objects, page cache) swept through a larger region, so a longer epoch sends
 * more of those but the hot set only once: overhead grows with the checkpoint rate. It writes its
 * object files to disk at a modest rate.
 *
 * Writes: the hot set is written as successive random permutations (k ≤ hot-set writes dirty k
 * distinct pages, so an epoch saturates at the hot set); the cold writes walk the rest of the
 * region sequentially. Neither draws a random number per write, so a 310 s build costs little
 * to simulate.
 *
 * Calibration (C4, Remus fig. 6: 31 / 52 / 80 / 103 % at 10 / 20 / 30 / 40 checkpoints/s, on the C9
 * testbed where domain 0 shares the guest's core): the overhead is nearly proportional to the
 * checkpoint rate, so most of it is a cost per checkpoint that hardly depends on the epoch's length
 * — the hot set, which every checkpoint sends whole (its size is fitted to the curve's slope) —
 * and a smaller part grows with time run — the fresh pages (their rate is fitted to the curve's
 * level at 10/s). A guest-side cost per checkpoint (Xen 3 drops every shadow page table at each
 * log-dirty CLEAN, so the guest re-faults them) would give the same shape, but it sends nothing:
 * fitting it in place of the hot set leaves the replication stream at ≈ 26 MB/s, below C6's
 * 35–50 MB/s (docs/remus.md). The stream that results (≈ 32 MB/s raw at 40/s) is checked against
 * C6. The bytes-changed model (how much of a page one write changes, and how compressible page
 * contents are) is declared for checkpoint compression; the content entropy was fitted to C6
 * (XOR ≈ 7–20 MB/s, hybrid ≈ 3–5 MB/s, typically 10:1).
 */
export const kernelCompile = defineWorkload({
  name: 'kernel-compile',
  from: 'Remus fig. 6',
  description: 'Linux kernel build: fixed CPU work (~310 s native), a compiler-like writable working set',
  params: [
    numberParam('workload.workS', 310, 'CPU work of the build, s at full speed (C4: ≈310 s native on the Remus testbed)', { positive: true }),
    numberParam('workload.workingSetMiB', 128, 'writable region of the build: heap, stacks, page cache of sources and objects, MiB', { positive: true }),
    numberParam('workload.hotSetMiB', 0.7, 'hot set rewritten within every epoch however short (stacks, page tables, allocator metadata, the current object’s heap), MiB (fitted to C4’s slope: the overhead each extra checkpoint per second adds)', { positive: true }),
    numberParam('workload.hotWritesPerS', 16_000, 'page writes per second of guest time into the hot set (≈ every hot page each 11 ms, so every epoch sees all of it)', { min: 0 }),
    numberParam('workload.coldWritesPerS', 2_600, 'fresh pages per second of guest time (new heap, objects, page cache), written in a sweep (fitted to C4’s intercept: the overhead at 10 checkpoints/s)', { min: 0 }),
    numberParam('workload.diskWritesPerS', 120, 'object files written, 4 KiB blocks per second of guest time (≈150 MB of objects per build)', { min: 0 }),
    numberParam('workload.bytesChangedPerWrite', 256, 'declared write model: bytes one page write changes (a few cache lines)', { min: 1 }),
    numberParam('workload.runsPerWrite', 4, 'declared write model: contiguous runs those bytes form', { min: 1 }),
    numberParam('workload.pageEntropyBits', 1, 'declared write model: information per byte of page content — fresh heap and page-cache pages are mostly zeros and small integers (fitted to C6’s gzip/hybrid ratios)', { min: 0, max: 8 }),
  ],
  defaults: { 'vm.memoryMiB': 512, 'run.durationS': 1200, 'host.sharedCpu': true },
  fixedWork: true,
  guest(env): GuestDefinition<KernelCompileState> {
    const p = env.params;
    const pageKiB = p.num('vm.pageKiB');
    const memPages = vmPages(p);
    const wsMiB = p.num('workload.workingSetMiB');
    if (wsMiB > p.num('vm.memoryMiB'))
      throw new InputError('workload.workingSetMiB', `${wsMiB} MiB exceeds vm.memoryMiB = ${p.num('vm.memoryMiB')}`, `≤ ${p.num('vm.memoryMiB')}`);
    const wsPages = Math.max(1, Math.min(memPages, Math.round((wsMiB * 1024) / pageKiB)));
    const hotPages = Math.max(1, Math.min(wsPages - 1, Math.round((p.num('workload.hotSetMiB') * 1024) / pageKiB)));
    const hot = new WritePattern({ base: 0, pages: hotPages, locality: 'uniform' }, env.rng);
    const cold = new WritePattern({ base: hotPages, pages: Math.max(1, wsPages - hotPages), locality: 'sequential' }, env.rng);
    const workNs = p.num('workload.workS') * NS_PER_S;
    const hotWrites = new RateCarry(p.num('workload.hotWritesPerS') / NS_PER_S);
    const coldWrites = new RateCarry(p.num('workload.coldWritesPerS') / NS_PER_S);
    const diskWrites = new RateCarry(p.num('workload.diskWritesPerS') / NS_PER_S);
    let diskCursor = 0;
    const done = new Signal<void>('kernel-compile done');
    let vm: VM | null = null;
    const finish = (): void => {
      if (!done.triggered) done.trigger();
    };
    return {
      cpuBound: true,
      done,
      start(v) {
        vm = v;
        v.vcpu.submit(workNs, finish);
      },
      advance(from, to) {
        if (vm === null) return;
        const h = hotWrites.take(from, to);
        if (h > 0) hot.write(vm.memory, h);
        const c = coldWrites.take(from, to);
        if (c > 0) cold.write(vm.memory, c);
        const d = diskWrites.take(from, to);
        const disk = vm.disk;
        for (let i = 0; i < d; i++) {
          disk.write(diskCursor);
          diskCursor = diskCursor + 1 === disk.blocks ? 0 : diskCursor + 1;
        }
      },
      snapshot: () => ({
        hotW: hotWrites.snapshot(),
        coldW: coldWrites.snapshot(),
        disk: diskWrites.snapshot(),
        cursor: diskCursor,
        hot: hot.snapshot(),
        cold: cold.snapshot(),
      }),
      restore(st) {
        hotWrites.restore(st.hotW);
        coldWrites.restore(st.coldW);
        diskWrites.restore(st.disk);
        diskCursor = st.cursor;
        hot.restore(st.hot);
        cold.restore(st.cold);
        // Restored from a checkpoint (failover): the build goes on from the progress it had then.
        if (vm !== null) vm.vcpu.submit(Math.max(0, workNs - vm.vcpu.progress), finish);
      },
    };
  },
});
