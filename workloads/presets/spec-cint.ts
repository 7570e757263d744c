import { InputError, numberParam } from '../../lib/params/index.js';
import type { SeriesRecord } from '../../lib/metrics/records.js';
import { Signal } from '../../lib/sim/index.js';
import type { VM } from '../../lib/vm/index.js';
import { RateCarry, vmPages } from '../workload.js';
import { type GuestDefinition, defineWorkload } from '../define-workload.js';

const NS_PER_S = 1e9;

/**
 * SPEC CPU2000 reference times (s) of the CINT2000 programs: the run time of each on SPEC's
 * reference machine (Sun Ultra 5_10, 300 MHz), from the SPEC CPU2000 documentation (a program's
 * SPECratio is 100 × reference time ÷ measured time).
 */
export const CINT_REFERENCE_TIME_S: Readonly<Record<string, number>> = {
  gzip: 1400,
  vpr: 1400,
  gcc: 1100,
  mcf: 1800,
  crafty: 1000,
  parser: 1800,
  eon: 1300,
  perlbmk: 1800,
  gap: 1100,
  vortex: 1900,
  bzip2: 1500,
  twolf: 3000,
};

/**
 * Reference time ÷ testbed time. Clark's testbed (§6: Dell PowerEdge 2650, 2 GHz Xeon) scores
 * roughly SPECint_base2000 ≈ 700 on published results for 2 GHz Xeons, i.e. each program runs
 * ≈ 7× faster than on the reference machine. Estimate: the figure's time axis is not a C8 target.
 */
export const CINT_TESTBED_SPEEDUP = 7;

/**
 * First page of the user region: the guest kernel and page cache below (16 MiB). Every program's
 * writable working set starts here (each program reuses the memory its predecessor freed).
 */
export const CINT_USER_BASE_PAGE = 4096;

/**
 * Each page of a phase's writable working set is written this many times per second of guest
 * time, walking the set in order: any measurement window ≥ 1 / rate sees the whole set. An
 * estimate: Clark's WWS are pages "written often"; the exact rewrite rate is not published.
 */
export const CINT_REWRITES_PER_S = 2;

/** One phase of a program: its share of the program's CPU time and its writable working set. */
export interface CintPhase {
  readonly share: number;
  readonly wwsPages: number;
}

export interface CintProgram {
  readonly name: string;
  readonly refTimeS: number;
  readonly phases: readonly CintPhase[];
}

/** `cycles` alternations of a peak phase and a lower phase (shares normalised to 1). */
function alternate(peak: number, low: number, cycles: number, peakShare = 0.5): CintPhase[] {
  const out: CintPhase[] = [];
  for (let i = 0; i < cycles; i++) {
    out.push({ share: peakShare / cycles, wwsPages: peak });
    out.push({ share: (1 - peakShare) / cycles, wwsPages: low });
  }
  return out;
}

/**
 * The programs in SPEC's order with their writable working sets (4 KiB pages). Peaks are C8
 * (Clark fig. 2, 512 MiB VM): ≈45–50 k pages for gzip, gap and bzip2; ≈15–35 k for gcc, mcf,
 * crafty and vortex; ≈0 for eon and twolf. vpr, parser and perlbmk are not in C8: their peaks
 * and every phase shape (alternation count, low level) are estimates read off fig. 2's outline —
 * gzip and bzip2 alternate compression and decompression of their five / three inputs, gcc its
 * five inputs, perlbmk and vortex their three.
 */
export const CINT_PROGRAMS: readonly CintProgram[] = [
  { name: 'gzip', refTimeS: CINT_REFERENCE_TIME_S.gzip!, phases: alternate(48_000, 20_000, 5) },
  { name: 'vpr', refTimeS: CINT_REFERENCE_TIME_S.vpr!, phases: alternate(9_000, 4_000, 2) },
  { name: 'gcc', refTimeS: CINT_REFERENCE_TIME_S.gcc!, phases: alternate(30_000, 12_000, 5) },
  { name: 'mcf', refTimeS: CINT_REFERENCE_TIME_S.mcf!, phases: alternate(24_000, 16_000, 1) },
  { name: 'crafty', refTimeS: CINT_REFERENCE_TIME_S.crafty!, phases: alternate(18_000, 9_000, 1) },
  { name: 'parser', refTimeS: CINT_REFERENCE_TIME_S.parser!, phases: alternate(10_000, 5_000, 2) },
  { name: 'eon', refTimeS: CINT_REFERENCE_TIME_S.eon!, phases: [{ share: 1, wwsPages: 150 }] },
  { name: 'perlbmk', refTimeS: CINT_REFERENCE_TIME_S.perlbmk!, phases: alternate(12_000, 4_000, 3) },
  { name: 'gap', refTimeS: CINT_REFERENCE_TIME_S.gap!, phases: alternate(47_000, 30_000, 1) },
  { name: 'vortex', refTimeS: CINT_REFERENCE_TIME_S.vortex!, phases: alternate(28_000, 14_000, 3) },
  { name: 'bzip2', refTimeS: CINT_REFERENCE_TIME_S.bzip2!, phases: alternate(46_000, 22_000, 3) },
  { name: 'twolf', refTimeS: CINT_REFERENCE_TIME_S.twolf!, phases: [{ share: 1, wwsPages: 300 }] },
];

interface FlatPhase {
  readonly program: number;
  readonly endNs: number;
  readonly wwsPages: number;
}

interface CintState {
  readonly phase: number;
  readonly cursor: number;
  readonly carry: number;
}

/**
 * Clark fig. 2 (C8): the SPEC CINT2000 programs in sequence, CPU-bound, each with its own writable
 * working set. Fixed work: the run ends when twolf finishes. The `programs` series gives each
 * program's start and end (s of simulated time), its CPU time and its modelled WWS peak; the
 * `series.dirty` sampler (distinct pages per `run.sampleMs` window, 1 s here) measures what it did.
 */
export const specCint = defineWorkload({
  name: 'spec-cint',
  from: 'Clark fig. 2',
  description: 'the SPEC CINT2000 programs in sequence, each with its own writable working set (C8)',
  params: [
    numberParam(
      'workload.timeScale',
      1,
      `multiplies every program's CPU time (1: SPEC reference times ÷ ${CINT_TESTBED_SPEEDUP}, Clark's 2 GHz Xeon; smaller for quick runs)`,
      { positive: true, max: 100 },
    ),
  ],
  defaults: {
    'vm.memoryMiB': 512, // Clark fig. 2: a 512 MiB VM
    'run.durationS': 86_400, // an upper bound: fixed work (≈ 2,730 s at timeScale 1)
    'run.sampleMs': 1000, // the WWS window: distinct pages per second
  },
  fixedWork: true,
  guest(env): GuestDefinition<CintState> {
    const p = env.params;
    const scale = p.num('workload.timeScale');
    const memPages = vmPages(p);
    const pageScale = 4 / p.num('vm.pageKiB'); // the WWS are counted in 4 KiB pages
    const phases: FlatPhase[] = [];
    const programStartNs: number[] = [];
    let t = 0;
    CINT_PROGRAMS.forEach((prog, i) => {
      programStartNs.push(t);
      const cpuNs = (prog.refTimeS / CINT_TESTBED_SPEEDUP) * scale * NS_PER_S;
      const total = prog.phases.reduce((a, ph) => a + ph.share, 0);
      const start = t;
      let acc = 0;
      for (const ph of prog.phases) {
        acc += ph.share;
        const wws = Math.max(1, Math.round(ph.wwsPages * pageScale));
        phases.push({ program: i, endNs: start + Math.round((cpuNs * acc) / total), wwsPages: wws });
      }
      t = phases[phases.length - 1]!.endNs;
    });
    const totalNs = t;
    const maxWws = Math.max(...phases.map((ph) => ph.wwsPages));
    if (CINT_USER_BASE_PAGE + maxWws > memPages)
      throw new InputError('vm.memoryMiB', `spec-cint needs ${CINT_USER_BASE_PAGE + maxWws} pages of ${p.num('vm.pageKiB')} KiB`, `≥ ${Math.ceil(((CINT_USER_BASE_PAGE + maxWws) * p.num('vm.pageKiB')) / 1024)}`);

    let phase = 0;
    let cursor = 0;
    const rate = new RateCarry((phases[0]!.wwsPages * CINT_REWRITES_PER_S) / NS_PER_S);
    const done = new Signal<void>('spec-cint done');
    let vm: VM | null = null;
    // Simulated time at which each program started and ended (for the `programs` series).
    const startedAtNs: Array<number | null> = CINT_PROGRAMS.map(() => null);
    const endedAtNs: Array<number | null> = CINT_PROGRAMS.map(() => null);

    // Simulated time at which guest time `g` was reached, within the span being advanced.
    const realTimeOf = (g: number, to: number): number => {
      const r = vm!.vcpu.rate;
      return r > 0 ? env.sim.now - (to - g) / r : env.sim.now;
    };

    const writeSeq = (n: number): void => {
      const wws = phases[phase]!.wwsPages;
      let left = n;
      while (left > 0) {
        const k = Math.min(left, wws - cursor);
        vm!.memory.writeRange(CINT_USER_BASE_PAGE + cursor, k);
        cursor += k;
        if (cursor === wws) cursor = 0;
        left -= k;
      }
    };

    return {
      cpuBound: true,
      done,
      start(v) {
        vm = v;
        startedAtNs[0] = env.sim.now;
        v.vcpu.submit(totalNs, () => done.trigger());
      },
      advance(from, to) {
        if (vm === null) return;
        let a = from;
        while (a < to && phase < phases.length) {
          const ph = phases[phase]!;
          const b = Math.min(to, ph.endNs);
          const n = rate.take(a, b);
          if (n > 0) writeSeq(n);
          a = b;
          if (b === ph.endNs) {
            const next = phase + 1;
            const prog = ph.program;
            if (next >= phases.length || phases[next]!.program !== prog) {
              endedAtNs[prog] = realTimeOf(b, to);
              if (next < phases.length) startedAtNs[prog + 1] = realTimeOf(b, to);
            }
            phase = next;
            cursor = 0;
            if (phase < phases.length) rate.setRate((phases[phase]!.wwsPages * CINT_REWRITES_PER_S) / NS_PER_S);
          }
        }
      },
      snapshot: () => ({ phase, cursor, carry: rate.snapshot() }),
      restore(st) {
        phase = st.phase;
        cursor = st.cursor;
        rate.restore(st.carry);
        if (phase < phases.length) rate.setRate((phases[phase]!.wwsPages * CINT_REWRITES_PER_S) / NS_PER_S);
      },
      series(): Record<string, SeriesRecord[]> {
        const programs: SeriesRecord[] = CINT_PROGRAMS.map((prog, i) => {
          const peak = Math.max(...phases.filter((ph) => ph.program === i).map((ph) => ph.wwsPages));
          const nextStart = i + 1 < CINT_PROGRAMS.length ? programStartNs[i + 1]! : totalNs;
          return {
            program: prog.name,
            startS: startedAtNs[i] === null ? null : startedAtNs[i]! / NS_PER_S,
            endS: endedAtNs[i] === null ? null : endedAtNs[i]! / NS_PER_S,
            cpuS: (nextStart - programStartNs[i]!) / NS_PER_S,
            wwsPeakPages: peak,
          };
        });
        return { programs };
      },
    };
  },
});
