import { InputError, numberParam } from '../../lib/params/index.js';
import type { VM } from '../../lib/vm/index.js';
import { RateCarry, vmPages } from '../workload.js';
import { type GuestDefinition, defineWorkload } from '../define-workload.js';

const NS_PER_S = 1e9;

/** What a checkpoint carries besides memory: the write carry and the cursor. */
interface MmuncherState {
  readonly carry: number;
  readonly cursor: number;
}

/**
 * Clark et al.'s "diabolical" workload (NSDI '05 §6.4, fig. 12): a program writing constantly to
 * a 256 MiB region of a 512 MiB VM. It sweeps the region like a memset loop: page writes in
 * address order, wrapping around, at `workload.writeMiBPerS` of guest time, on a busy vCPU.
 *
 * Fitted to C2 (rounds 255.4 / 44.0 / 116.0 / 222.5 MiB with xen-classic): a sweep of 113 MiB/s
 * rewrites the region every 2.27 s. Round 2 (≈155 Mibit/s ≈ 19.4 MiB/s) then reaches only the
 * pages its scan gets to before the sweep re-dirties them (≈ 17 % of the region: 44 MiB); round 3
 * at 500 Mibit/s reaches ≈ 46 % (116 MiB) and lasts ≈ 1.9 s, in which the sweep dirties ≈ 83 % of
 * the region — the stop-and-copy's ≈ 213–222 MiB. The round sizes follow from the sweep speed and
 * Xen's skip rule; nothing else is tuned.
 *
 * Testbed (Clark §6): dual 2 GHz Xeons, so domain 0 has a CPU of its own (`host.sharedCpu=false`).
 */
export const mmuncher = defineWorkload({
  name: 'mmuncher',
  from: 'Clark fig. 12',
  description: 'the diabolical workload: writing constantly to a 256 MiB region',
  params: [
    numberParam('workload.regionMiB', 256, 'the region written constantly, MiB (Clark §6.4: 256 MB)', { positive: true }),
    numberParam('workload.writeMiBPerS', 113, 'sweep speed over the region, MiB/s of guest time (fitted to C2)', { positive: true }),
    numberParam('workload.regionOffsetMiB', 64, 'where the region starts in guest memory, MiB (above the kernel)', { min: 0 }),
  ],
  defaults: { 'vm.memoryMiB': 512, 'run.durationS': 120, 'host.sharedCpu': false },
  guest(env): GuestDefinition<MmuncherState> {
    const p = env.params;
    const pageKiB = p.num('vm.pageKiB');
    const memPages = vmPages(p);
    const regionPages = Math.max(1, Math.round((p.num('workload.regionMiB') * 1024) / pageKiB));
    const base = Math.round((p.num('workload.regionOffsetMiB') * 1024) / pageKiB);
    if (base + regionPages > memPages)
      throw new InputError(
        'workload.regionMiB',
        `region of ${p.num('workload.regionMiB')} MiB at ${p.num('workload.regionOffsetMiB')} MiB does not fit vm.memoryMiB = ${p.num('vm.memoryMiB')}`,
        `regionOffsetMiB + regionMiB ≤ ${p.num('vm.memoryMiB')}`,
      );
    let cursor = 0; // next page of the sweep, relative to the region
    const rate = new RateCarry((p.num('workload.writeMiBPerS') * 1024) / pageKiB / NS_PER_S);
    let vm: VM | null = null;
    return {
      cpuBound: true,
      start(v) {
        vm = v;
      },
      advance(from, to) {
        if (vm === null) return;
        let n = rate.take(from, to);
        // The sweep: contiguous runs (writeRange), wrapping at the region's end.
        while (n > 0) {
          const run = Math.min(n, regionPages - cursor);
          vm.memory.writeRange(base + cursor, run);
          cursor = (cursor + run) % regionPages;
          n -= run;
        }
      },
      snapshot: () => ({ carry: rate.snapshot(), cursor }),
      restore(st) {
        rate.restore(st.carry);
        cursor = st.cursor;
      },
    };
  },
});
