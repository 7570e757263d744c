import { numberParam } from '../../lib/params/index.js';
import { Signal } from '../../lib/sim/index.js';
import type { VM } from '../../lib/vm/index.js';
import { vmPages } from '../workload.js';
import { WritePattern, type WritePatternState } from '../write-pattern.js';
import { type GuestDefinition, defineWorkload } from '../define-workload.js';

/** What a checkpoint carries besides memory and disk: transactions done, the page pattern. */
interface PostmarkState {
  readonly completed: number;
  readonly pattern: WritePatternState;
}

/**
 * PostMark (Remus fig. 9): small-file transactions (create/delete, read/append of 0.5–9.77 KB
 * files) on ext3 — disk-bound: each transaction spends a little CPU, issues a few block writes
 * (data, inode, journal) and waits for the disk. 10,000 transactions per run, as in the paper.
 * The per-transaction figures are estimates of a 2008 SATA disk (≈5 ms per synchronous
 * transaction); what the experiment shows is relative — disk replication forwards writes
 * asynchronously, so it should cost PostMark almost nothing.
 */
export const postmark = defineWorkload({
  name: 'postmark',
  from: 'Remus fig. 9',
  description: 'disk-bound small-file transactions (10,000 per run)',
  params: [
    numberParam('workload.transactions', 10_000, 'transactions per run (PostMark default in the Remus experiment)', { min: 1, integer: true }),
    numberParam('workload.cpuMsPerTransaction', 0.3, 'guest CPU per transaction, ms (estimate: file-system code on the P4)', { min: 0 }),
    numberParam('workload.diskMsPerTransaction', 4.7, 'disk service time the transaction waits for, ms (estimate: a seek plus journal commit)', { min: 0 }),
    numberParam('workload.blocksPerTransaction', 3, 'blocks written per transaction (data, inode, journal)', { min: 0, integer: true }),
    numberParam('workload.pagesPerTransaction', 3, 'page-cache pages written per transaction', { min: 0, integer: true }),
    numberParam('workload.fileSetMiB', 32, 'files and journal, MiB of disk (and of page cache)', { positive: true }),
    numberParam('workload.bytesChangedPerWrite', 2048, 'declared write model: bytes of a page-cache page one transaction changes', { min: 1 }),
    numberParam('workload.runsPerWrite', 1, 'declared write model: contiguous runs', { min: 1 }),
    numberParam('workload.pageEntropyBits', 4, 'declared write model: information per byte of file content', { min: 0, max: 8 }),
  ],
  defaults: { 'vm.memoryMiB': 512, 'run.durationS': 600 },
  fixedWork: true,
  guest(env): GuestDefinition<PostmarkState> {
    const p = env.params;
    const sim = env.sim;
    const total = p.num('workload.transactions');
    const cpuNs = p.num('workload.cpuMsPerTransaction') * 1e6;
    const diskNs = p.num('workload.diskMsPerTransaction') * 1e6;
    const blocksPer = p.num('workload.blocksPerTransaction');
    const pagesPer = p.num('workload.pagesPerTransaction');
    const memPages = vmPages(p);
    const setPages = Math.max(1, Math.min(memPages, Math.round((p.num('workload.fileSetMiB') * 1024) / p.num('vm.pageKiB'))));
    const pages = new WritePattern({ base: 0, pages: setPages, locality: 'uniform' }, env.rng);
    const rng = env.rng;
    const done = new Signal<void>('postmark done');
    let vm: VM | null = null;
    let completed = 0;
    // Guest-visible progress: transactions done. A failover restores it from the checkpoint.
    let generation = 0;

    const next = (): void => {
      const v = vm!;
      if (completed >= total) {
        if (!done.triggered) done.trigger();
        return;
      }
      const gen = generation;
      v.vcpu.submit(cpuNs, () => {
        if (gen !== generation) return;
        pages.write(v.memory, pagesPer);
        const disk = v.disk;
        const setBlocks = Math.min(disk.blocks, setPages);
        for (let b = 0; b < blocksPer; b++) disk.write(rng.int(setBlocks));
        // The transaction waits for the disk; the guest sees the completion when it runs.
        sim.schedule(diskNs, () =>
          v.whenRunning(() => {
            if (gen !== generation) return;
            completed++;
            next();
          }),
        );
      });
    };

    return {
      done,
      start(v) {
        vm = v;
        next();
      },
      advance() {},
      snapshot: () => ({ completed, pattern: pages.snapshot() }),
      restore(st) {
        generation++;
        completed = st.completed;
        pages.restore(st.pattern);
        // The restored guest redoes the transaction it was in the middle of.
        if (vm !== null) next();
      },
      metrics: (endNs) => ({ transactions: completed, throughputOpsPerS: endNs > 0 ? completed / (endNs / 1e9) : 0 }),
    };
  },
});
