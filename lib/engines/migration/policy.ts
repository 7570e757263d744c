import { InputError, type Params } from '../../params/index.js';

/** Which rule ended the pre-copy phase (reported as `stopReason`). */
export type StopReason =
  | 'maxRounds'
  | 'maxFactor'
  | 'fewPages'
  | 'rateCapGrowth'
  | 'downtimeLimit'
  | 'stable'
  | 'noDirty'
  | 'stopAndCopy';

/**
 * A policy as data: which mechanisms it uses and the numbers of its rules. A rule whose number is
 * `undefined` is off. Every number can be overridden by its `migration.*` key; setting a key turns
 * its rule on for any policy.
 */
export interface Policy {
  readonly name: string;
  readonly description: string;
  /** Pre-copy rounds before the stop-and-copy (false: stop-and-copy alone). */
  readonly precopy: boolean;
  /** Xen's `to_skip`: a page written again since its round began waits for the next round. */
  readonly skipRedirtied: boolean;
  /** Send order: Xen's `permute()` (a 10-bit rotation of the pfn) or address order (QEMU, SimGrid). */
  readonly order: 'xen' | 'address';
  /** Xen 3's adaptive rate limit (Mibit/s): start at min, raise to dirty rate + increment, cap at max. */
  readonly minRateMbps: number | undefined;
  readonly maxRateMbps: number | undefined;
  readonly rateIncrementMbps: number | undefined;
  /** A fixed cap on the migration stream, MiB/s (QEMU max-bandwidth, SimGrid's migration speed). */
  readonly maxBandwidthMiBps: number | undefined;
  /** At most this many rounds in all, the final stop-and-copy included. */
  readonly maxRounds: number | undefined;
  /** Stop once more than maxFactor × memory has been sent. */
  readonly maxFactor: number | undefined;
  /** Stop when fewer than this many pages: sent + skipped in the round (Xen 3) or still dirty (Xen 4). */
  readonly minDirtyPages: number | undefined;
  readonly minDirtyCounts: 'round' | 'pending';
  /** Xen 3: stop when the rate is at its cap and a round sent more pages than the one before. */
  readonly stopAtCapGrowth: boolean;
  /** Switch over when the pending data fits in bandwidth × this limit (QEMU 300 ms, SimGrid 30 ms). */
  readonly downtimeLimitMs: number | undefined;
  /** The classic stop rule: the dirty count constant within tolerancePct over stableRounds rounds. */
  readonly stableRounds: number | undefined;
  readonly stableTolerancePct: number | undefined;
  /** Stop when no page is dirty. */
  readonly stopOnNoDirty: boolean;
  /**
   * When the dirty log is read into the set still to send: at the end of every round (Xen,
   * SimGrid, the textbook), or — QEMU's ram_save_pending — only once what is left of the current
   * set is below the switch-over threshold (measured bandwidth × downtime limit), which is also
   * when QEMU decides whether to switch over.
   */
  readonly dirtySync: 'round' | 'threshold';
  /** Bytes on the stream for a page holding only zeros (QEMU: a flag record); undefined: a full page. */
  readonly zeroPageBytes: number | undefined;
  /** Bytes of header before each page on the stream (QEMU: 8). */
  readonly pageHeaderBytes: number;
  /** Whether the stop-and-copy is held to the rate limit (Xen: yes; QEMU lifts it). */
  readonly capStopPhase: boolean;
  /** QEMU auto-converge: throttle the vCPU while dirtying outpaces the transfer. */
  readonly autoConverge: boolean;
}

type Preset = Omit<Policy, 'autoConverge'>;

/** Every optional rule off: no rate limit, no stop rule, no zero pages or headers (each preset starts here). */
export const NO_RULES = {
  minRateMbps: undefined,
  maxRateMbps: undefined,
  rateIncrementMbps: undefined,
  maxBandwidthMiBps: undefined,
  maxRounds: undefined,
  maxFactor: undefined,
  minDirtyPages: undefined,
  minDirtyCounts: 'round',
  stopAtCapGrowth: false,
  downtimeLimitMs: undefined,
  stableRounds: undefined,
  stableTolerancePct: undefined,
  stopOnNoDirty: false,
  dirtySync: 'round',
  zeroPageBytes: undefined,
  pageHeaderBytes: 0,
  capStopPhase: true,
} as const;

/** The named presets (docs/design.md#engines), each with the source it follows. */
export const POLICIES: readonly Preset[] = [
  {
    ...NO_RULES,
    name: 'xen-classic',
    description:
      'Xen 3.x xc_domain_save: skip re-dirtied pages; rate 100 Mibit/s, then dirty rate + 50, at most 500; stop after 30 rounds, > 3× memory, < 50 pages, or at the cap with a growing round',
    precopy: true,
    skipRedirtied: true,
    order: 'xen',
    minRateMbps: 100, // START_MBIT_RATE
    maxRateMbps: 500, // MAX_MBIT_RATE
    rateIncrementMbps: 50, // print_stats: mbit_rate = dirty rate + 50
    maxRounds: 30, // DEF_MAX_ITERS 29 live rounds + the last
    maxFactor: 3, // DEF_MAX_FACTOR
    minDirtyPages: 50, // sent_this_iter + skip_this_iter < 50
    minDirtyCounts: 'round',
    stopAtCapGrowth: true, // (sent_this_iter > sent_last_iter) && RATE_IS_MAX()
  },
  {
    ...NO_RULES,
    name: 'xen-modern',
    description: 'Xen 4.x xg_sr_save: send dirty pages at link speed; at most 5 iterations or fewer than 50 dirty pages',
    precopy: true,
    skipRedirtied: false,
    order: 'address',
    maxRounds: 6, // max_iterations 5 live rounds, then the suspended one
    minDirtyPages: 50, // dirty_threshold
    minDirtyCounts: 'pending',
  },
  {
    ...NO_RULES,
    name: 'qemu',
    description:
      'QEMU 7.2 precopy: 128 MiB/s; bandwidth measured every 100 ms; the dirty bitmap is synced, and the VM switched over, when what is left is below bandwidth × 300 ms; zero pages as 9-byte records; the stop-and-copy unthrottled; optional auto-converge',
    precopy: true,
    skipRedirtied: false,
    order: 'address',
    maxBandwidthMiBps: 128, // migration.c:65 MAX_THROTTLE (128 << 20)
    downtimeLimitMs: 300, // migration.c:74 DEFAULT_MIGRATE_SET_DOWNTIME
    stopOnNoDirty: true, // migration.c:3766 a pending size of 0 completes
    dirtySync: 'threshold', // ram.c:3455–3456 ram_save_pending syncs only when remaining < threshold
    zeroPageBytes: 9, // ram.c:1257–1270 save_zero_page_to_file: header + one byte
    pageHeaderBytes: 8, // ram.c save_page_header
    capStopPhase: false, // migration.c:3331 rate limit INT64_MAX before the final copy
  },
  {
    ...NO_RULES,
    name: 'simgrid',
    description: "SimGrid 3.32's live-migration plugin: re-send what the previous round dirtied; switch over when it fits in bandwidth × 30 ms",
    precopy: true,
    skipRedirtied: false,
    order: 'address',
    downtimeLimitMs: 30, // plugin's max_downtime 0.03 s
    stopOnNoDirty: true,
  },
  {
    ...NO_RULES,
    name: 'textbook',
    description: "the classic stop rules: no dirty pages, a dirty count stable within 10 % over 3 rounds, or 30 rounds",
    precopy: true,
    skipRedirtied: false,
    order: 'address',
    maxRounds: 30,
    stableRounds: 3,
    stableTolerancePct: 10,
    stopOnNoDirty: true,
  },
  {
    ...NO_RULES,
    name: 'stop-and-copy',
    description: 'the naive approach: pause, copy everything, resume on the target',
    precopy: false,
    skipRedirtied: false,
    order: 'address',
  },
];

export const POLICY_NAMES = POLICIES.map((p) => p.name);

/** The policy named by `migration.policy`, with every `migration.*` override applied. */
export function resolvePolicy(params: Params): Policy {
  const name = params.str('migration.policy');
  const preset = POLICIES.find((p) => p.name === name);
  if (preset === undefined) throw new InputError('migration.policy', `unknown policy ${JSON.stringify(name)}`, POLICY_NAMES.join(' | '));
  const o = (key: string, v: number | undefined): number | undefined => params.optNum(`migration.${key}`) ?? v;
  const policy: Policy = {
    ...preset,
    minRateMbps: o('minRateMbps', preset.minRateMbps),
    maxRateMbps: o('maxRateMbps', preset.maxRateMbps),
    rateIncrementMbps: o('rateIncrementMbps', preset.rateIncrementMbps),
    maxBandwidthMiBps: o('maxBandwidthMiBps', preset.maxBandwidthMiBps),
    maxRounds: o('maxRounds', preset.maxRounds),
    maxFactor: o('maxFactor', preset.maxFactor),
    minDirtyPages: o('minDirtyPages', preset.minDirtyPages),
    downtimeLimitMs: o('downtimeLimitMs', preset.downtimeLimitMs),
    stableRounds: o('stableRounds', preset.stableRounds),
    stableTolerancePct: o('stableTolerancePct', preset.stableTolerancePct),
    autoConverge: params.bool('migration.autoConverge'),
  };
  const min = policy.minRateMbps;
  const max = policy.maxRateMbps;
  if (min !== undefined && max !== undefined && min > max)
    throw new InputError('migration.minRateMbps', `${min} exceeds migration.maxRateMbps = ${max}`, `≤ ${max}`);
  if (policy.stableRounds !== undefined && policy.stableTolerancePct === undefined)
    return { ...policy, stableTolerancePct: 10 };
  return policy;
}

/** Whether the policy limits its rate adaptively (Xen 3's mbit_rate). */
export function hasAdaptiveRate(p: Policy): boolean {
  return p.minRateMbps !== undefined || p.maxRateMbps !== undefined;
}

/** What the stop rules look at after a live round. */
export interface RoundOutcome {
  /** 1-based number of the round just finished. */
  readonly round: number;
  readonly sentPages: number;
  readonly skippedPages: number;
  /** Pages sent by the round before (Xen's sent_last_iter; memory size before round 2). */
  readonly prevSentPages: number;
  readonly totalSentPages: number;
  readonly memoryPages: number;
  /** Whether the round ran at the adaptive rate's cap. */
  readonly atRateCap: boolean;
  /** Pages dirty now, waiting for the next round, and their bytes. */
  readonly pendingPages: number;
  readonly pendingBytes: number;
  /** Bandwidth measured over the round, bytes/s (0 when it sent nothing). */
  readonly measuredBytesPerS: number;
  /** Pending dirty counts after each live round so far, this one last. */
  readonly pendingHistory: readonly number[];
}

/** The first stop rule that fires after a live round, or null to go on with another round. */
export function stopRule(p: Policy, r: RoundOutcome): StopReason | null {
  // Order as in xc_domain_save: rate cap first, then iterations, pages, factor.
  if (p.stopAtCapGrowth && r.atRateCap && r.sentPages > r.prevSentPages) return 'rateCapGrowth';
  if (p.maxRounds !== undefined && r.round + 1 >= p.maxRounds) return 'maxRounds';
  if (p.minDirtyPages !== undefined) {
    const n = p.minDirtyCounts === 'round' ? r.sentPages + r.skippedPages : r.pendingPages;
    if (n < p.minDirtyPages) return 'fewPages';
  }
  if (p.maxFactor !== undefined && r.totalSentPages > r.memoryPages * p.maxFactor) return 'maxFactor';
  if (p.stopOnNoDirty && r.pendingPages === 0) return 'noDirty';
  if (p.downtimeLimitMs !== undefined && r.measuredBytesPerS > 0 && r.pendingBytes <= (r.measuredBytesPerS * p.downtimeLimitMs) / 1000)
    return 'downtimeLimit';
  if (p.stableRounds !== undefined && isStable(r.pendingHistory, p.stableRounds, p.stableTolerancePct ?? 10)) return 'stable';
  return null;
}

/** The last `k` counts differ from their mean by at most tolPct % (max − min ≤ tol × mean). */
export function isStable(history: readonly number[], k: number, tolPct: number): boolean {
  if (history.length < k || k < 2) return false;
  const last = history.slice(-k);
  const mean = last.reduce((a, b) => a + b, 0) / k;
  return Math.max(...last) - Math.min(...last) <= (tolPct / 100) * mean;
}

/**
 * Xen 3's rate adaptation after a round (print_stats with ADAPTIVE_SAVE): when the dirty rate —
 * in print_stats' decimal Mbit/s — exceeds the current limit, the limit becomes dirty rate +
 * increment, at most the cap. Returns the new limit in Mibit/s.
 */
export function nextRateMbps(p: Policy, current: number, dirtyRateMbps: number): number {
  if (dirtyRateMbps <= current) return current;
  // Xen truncates the measured rate to an int before adding the increment.
  const next = Math.floor(dirtyRateMbps) + (p.rateIncrementMbps ?? 0);
  return p.maxRateMbps !== undefined ? Math.min(next, p.maxRateMbps) : next;
}
