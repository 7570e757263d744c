import { numberParam } from '../../lib/params/index.js';
import type { VM } from '../../lib/vm/index.js';
import { RateWriter, type RateWriterState } from '../rate-writer.js';
import { vmPages } from '../workload.js';
import { WritePattern } from '../write-pattern.js';
import { type GuestDefinition, defineWorkload } from '../define-workload.js';

/**
 * An idle guest: timer ticks and kernel housekeeping touch a few pages a second inside a small
 * kernel region. No paper row; the figures are an order of magnitude (an idle Linux guest's
 * writable working set is a few hundred KiB — Clark §4's idle measurements are of this size).
 */
export const idle = defineWorkload({
  name: 'idle',
  from: '—',
  description: 'an idle guest: timer ticks, a few dirty pages per second',
  params: [
    numberParam('workload.dirtyPagesPerS', 8, 'page writes per second of the idle kernel (estimate)', { min: 0 }),
    numberParam('workload.workingSetMiB', 1, 'region the idle kernel writes to, MiB', { positive: true }),
    numberParam('workload.dataMiB', 64, 'memory holding data at the start (kernel, page cache), MiB from page 0; the rest holds only zeros until written (estimate: an idle Linux guest after boot)', { min: 0 }),
  ],
  defaults: { 'vm.memoryMiB': 512, 'run.durationS': 60 },
  guest(env): GuestDefinition<RateWriterState> {
    const p = env.params;
    const memPages = vmPages(p);
    const wsPages = Math.min(memPages, Math.max(1, Math.round((p.num('workload.workingSetMiB') * 1024) / p.num('vm.pageKiB'))));
    const pattern = new WritePattern({ base: 0, pages: wsPages, locality: 'uniform' }, env.rng);
    const writer = new RateWriter(pattern, p.num('workload.dirtyPagesPerS'));
    let vm: VM | null = null;
    return {
      start(v) {
        vm = v;
        // Untouched memory beyond the booted kernel's data is zeros (QEMU sends such pages as a flag).
        v.memory.zeroFrom = Math.min(v.memory.pages, Math.round((p.num('workload.dataMiB') * 1024) / p.num('vm.pageKiB')));
      },
      advance(from, to) {
        if (vm === null) return;
        writer.advance(vm.memory, from, to);
      },
      snapshot: () => writer.snapshot(),
      restore: (s) => writer.restore(s),
    };
  },
});
