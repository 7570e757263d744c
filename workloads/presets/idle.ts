import { numberParam } from '../../lib/params/index.js';
import type { VM } from '../../lib/vm/index.js';
import { RateWriter } from '../rate-writer.js';
import { type WorkloadPreset, vmPages } from '../workload.js';
import { WritePattern } from '../write-pattern.js';

/**
 * An idle guest: timer ticks and kernel housekeeping touch a few pages a second inside a small
 * kernel region. No paper row; the figures are an order of magnitude (an idle Linux guest's
 * writable working set is a few hundred KiB — Clark §4's idle measurements are of this size).
 */
export const idle: WorkloadPreset = {
  name: 'idle',
  from: '—',
  description: 'an idle guest: timer ticks, a few dirty pages per second',
  params: [
    numberParam('workload.dirtyPagesPerS', 8, 'page writes per second of the idle kernel (estimate)', { min: 0 }),
    numberParam('workload.workingSetMiB', 1, 'region the idle kernel writes to, MiB', { positive: true }),
  ],
  defaults: { 'vm.memoryMiB': 512, 'run.durationS': 60 },
  fixedWork: false,
  usesNetwork: false,
  guest(env) {
    const p = env.params;
    const memPages = vmPages(p);
    const wsPages = Math.min(memPages, Math.max(1, Math.round((p.num('workload.workingSetMiB') * 1024) / p.num('vm.pageKiB'))));
    const pattern = new WritePattern({ base: 0, pages: wsPages, locality: 'uniform' }, env.rng);
    const writer = new RateWriter(pattern, p.num('workload.dirtyPagesPerS'));
    let vm: VM | null = null;
    return {
      cpuBound: false,
      contentBacked: false,
      done: null,
      start(v) {
        vm = v;
      },
      advance(from, to) {
        if (vm === null) return;
        writer.advance(vm.memory, from, to);
      },
      snapshot: () => writer.snapshot(),
      restore: (s) => writer.restore(s),
      metrics: () => ({}),
      series: () => ({}),
      invariants: () => ({}),
    };
  },
};
