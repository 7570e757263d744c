import { InputError, booleanParam, enumParam, numberParam } from '../../lib/params/index.js';
import type { VM } from '../../lib/vm/index.js';
import { RateWriter, type RateWriterState } from '../rate-writer.js';
import { vmPages } from '../workload.js';
import { LOCALITIES, WritePattern } from '../write-pattern.js';
import { type GuestDefinition, defineWorkload } from '../define-workload.js';

/**
 * Epoch length assumed for `workload.dirtyPagesPerEpoch` when no engine announces epochs (the
 * unprotected twin, migration): Remus's default 25 ms, so the twin dirties at the same rate.
 */
export const SYNTHETIC_DEFAULT_EPOCH_MS = 25;

/**
 * Exactly what its keys say: `workload.dirtyPagesPerS` page writes per second of guest time (or
 * `workload.dirtyPagesPerEpoch` right at the start of every checkpoint epoch) over
 * `workload.workingSetMiB` starting at page 0, with `workload.locality`. With `uniform` and
 * `sequential`, k ≤ working-set writes dirty exactly k distinct pages (see WritePattern).
 * For cost curves (C3) and peer comparisons.
 */
export const synthetic = defineWorkload({
  name: 'synthetic',
  from: '—',
  description: 'exactly what its keys say: N distinct-page writes per second or per epoch over a working set',
  params: [
    numberParam('workload.dirtyPagesPerS', 1000, 'page writes per second of guest time', { min: 0 }),
    numberParam('workload.dirtyPagesPerEpoch', undefined, 'instead: distinct pages written at the start of every checkpoint epoch', { min: 0, integer: true }),
    numberParam('workload.workingSetMiB', 64, 'working set, MiB from page 0 (at most vm.memoryMiB)', { positive: true }),
    enumParam('workload.locality', LOCALITIES, 'uniform', 'where writes land in the working set'),
    booleanParam('workload.cpuBound', false, 'the vCPU always wants a whole core (else it is nearly idle between writes)'),
  ],
  defaults: { 'vm.memoryMiB': 512, 'run.durationS': 60 },
  guest(env): GuestDefinition<RateWriterState> {
    const p = env.params;
    const pageKiB = p.num('vm.pageKiB');
    const memPages = vmPages(p);
    const wsMiB = p.num('workload.workingSetMiB');
    if (wsMiB > p.num('vm.memoryMiB'))
      throw new InputError('workload.workingSetMiB', `${wsMiB} MiB exceeds vm.memoryMiB = ${p.num('vm.memoryMiB')}`, `≤ ${p.num('vm.memoryMiB')}`);
    const wsPages = Math.max(1, Math.min(memPages, Math.round((wsMiB * 1024) / pageKiB)));
    const pattern = new WritePattern({ base: 0, pages: wsPages, locality: p.str('workload.locality') as (typeof LOCALITIES)[number] }, env.rng);
    const perEpoch = p.optNum('workload.dirtyPagesPerEpoch');
    if (perEpoch !== undefined && perEpoch > wsPages)
      throw new InputError('workload.dirtyPagesPerEpoch', `${perEpoch} distinct pages do not fit a working set of ${wsPages} pages`, `≤ ${wsPages}`);
    const perS = perEpoch !== undefined ? (perEpoch * 1000) / SYNTHETIC_DEFAULT_EPOCH_MS : p.num('workload.dirtyPagesPerS');
    const writer = new RateWriter(pattern, perS);
    let vm: VM | null = null;
    let epochsAnnounced = false;
    return {
      cpuBound: p.bool('workload.cpuBound'),
      start(v) {
        vm = v;
        if (perEpoch !== undefined) {
          v.onEpoch(() => {
            epochsAnnounced = true;
            // The epoch's writes happen as soon as the guest runs in it.
            v.whenRunning(() => pattern.write(v.memory, perEpoch));
          });
        }
      },
      advance(from, to) {
        if (vm === null || epochsAnnounced) return;
        writer.advance(vm.memory, from, to);
      },
      snapshot: () => writer.snapshot(),
      restore: (s) => writer.restore(s),
    };
  },
});
