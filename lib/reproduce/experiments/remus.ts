/**
 * Remus (Cully et al., NSDI '08) experiments. Published numbers: docs/design.md#calibration rows C3, C4, C6, C7
 * only; where a row states no percentage, the tolerance chosen is documented beside it.
 */
import type { Row } from '../../analysis/rows.js';
import { ciAgainst, failoverTimeline, meanBars } from '../figures.js';
import type { MeasuredExperiment, Tolerance } from '../types.js';

const C3_PAGES = [1, 256, 512, 1024] as const;
const C3_PAUSE_MS = [0.5, 1.5, 2.5, 4.3] as const;
const C3_TRANSMIT_MS = [0.5, 14, 35, 57] as const;

const C3_PAUSE_TOL: Tolerance = {
  pct: 25,
  fullScale: 5,
  why: 'chosen: pauses are read off the figure at ≈0.5 ms resolution; ±25 %, and 5 % of a 5 ms pause axis (above the largest, 4.3 ms) as the floor',
};
const C3_TRANSMIT_TOL: Tolerance = { fullScale: 80, why: '5 % of the figure’s ≈80 ms scale' };

export const remusCheckpointCost: MeasuredExperiment = {
  kind: 'measured',
  id: 'remus-checkpoint-cost',
  title: 'Checkpoint cost against pages dirtied per epoch',
  paperFigure: 'Remus fig. 5',
  calibration: 'C3',
  setup: 'Remus, synthetic workload dirtying 1 / 256 / 512 / 1024 pages per 25 ms epoch, 512 MiB VM, GbE',
  sweep: {
    engine: 'remus',
    workload: 'synthetic',
    params: { 'vm.memoryMiB': 512, 'run.durationS': 20 },
    grid: { 'workload.dirtyPagesPerEpoch': [...C3_PAGES] },
    replicates: 3,
    timeLimitS: 300,
  },
  quick: { params: { 'run.durationS': 5 }, replicates: 2, timeLimitS: 60 },
  show: [
    { metric: 'pauseMsMean', label: 'pause', unit: 'ms' },
    { metric: 'transmitMsMean', label: 'transmit', unit: 'ms' },
    { metric: 'achievedCheckpointsPerS', label: 'checkpoints', unit: '/s' },
  ],
  checks: [
    ...C3_PAGES.map((pages, i) => ({
      label: `pause @${pages} page${pages === 1 ? '' : 's'}`,
      metric: 'pauseMsMean',
      unit: 'ms',
      where: { 'workload.dirtyPagesPerEpoch': pages },
      published: C3_PAUSE_MS[i]!,
      tolerance: C3_PAUSE_TOL,
      fitted: 'the pause cost model (per checkpoint + per dirty page, lib/engines/remus/costs.ts) was fitted to these four points',
    })),
    ...C3_PAGES.map((pages, i) => ({
      label: `transmit @${pages} page${pages === 1 ? '' : 's'}`,
      metric: 'transmitMsMean',
      unit: 'ms',
      where: { 'workload.dirtyPagesPerEpoch': pages },
      published: C3_TRANSMIT_MS[i]!,
      tolerance: C3_TRANSMIT_TOL,
      fitted: 'the transmit cost model (commit cost + domain-0 cost per byte, lib/engines/remus/costs.ts) was fitted to these four points',
    })),
  ],
  figure: (ctx) =>
    ciAgainst(ctx.rows, {
      x: 'workload.dirtyPagesPerEpoch',
      series: [
        { metric: 'pauseMsMean', label: 'pause (simulated)' },
        { metric: 'transmitMsMean', label: 'transmit (simulated)' },
      ],
      published: [
        { label: 'pause (published)', points: C3_PAGES.map((p, i) => [p, C3_PAUSE_MS[i]!] as const) },
        { label: 'transmit (published)', points: C3_PAGES.map((p, i) => [p, C3_TRANSMIT_MS[i]!] as const) },
      ],
      title: 'Checkpoint cost against pages dirtied (Remus fig. 5 / C3)',
      xTitle: 'pages dirtied per epoch',
      yTitle: 'ms per checkpoint',
    }),
};

export const remusSuspend: MeasuredExperiment = {
  kind: 'measured',
  id: 'remus-suspend',
  title: 'Suspend/resume with the optimised path',
  paperFigure: 'Remus, suspend/resume in the text',
  calibration: 'C7',
  setup: 'Remus, synthetic workload dirtying 1 page per epoch: the suspend/resume part of each pause (`suspendMsMean`), beside the whole pause',
  sweep: {
    engine: 'remus',
    workload: 'synthetic',
    params: { 'vm.memoryMiB': 512, 'run.durationS': 10, 'workload.dirtyPagesPerEpoch': 1 },
    replicates: 3,
    timeLimitS: 120,
  },
  quick: { params: { 'run.durationS': 3 }, replicates: 2, timeLimitS: 60 },
  show: [
    { metric: 'suspendMsMean', label: 'suspend/resume', unit: 'ms' },
    { metric: 'pauseMsMean', label: 'whole pause', unit: 'ms' },
  ],
  checks: [
    {
      label: 'suspend/resume',
      metric: 'suspendMsMean',
      unit: 'ms',
      published: 0.1,
      fitted: 'the optimised suspend/resume cost is a constant set from this row (lib/engines/remus/costs.ts)',
      tolerance: { pct: 50, why: 'chosen: ≈100 µs is an order of magnitude set against 30–40 ms in stock Xen; ±50 %' },
    },
  ],
  explanation:
    'C7 is checked on `suspendMsMean`, the suspend/resume part of each pause; the whole pause at one dirty page also scans and copies the dirty set (C3 publishes ≈0.5 ms for it).',
  figure: (ctx) =>
    meanBars(
      ctx.rows,
      [
        { label: 'suspend/resume', metric: 'suspendMsMean' },
        { label: 'whole pause at 1 dirty page', metric: 'pauseMsMean' },
      ],
      'Remus suspend/resume (C7)',
      'time (ms)',
    ),
};

/** Native build time recovered from a protected row: completion ÷ (1 + overhead). */
function nativeTime(row: Row): Record<string, number | undefined> {
  const t = row.completionTimeS;
  const o = row.overheadPct;
  return { nativeCompletionTimeS: typeof t === 'number' && typeof o === 'number' ? t / (1 + o / 100) : undefined };
}

const C4_RATES = [10, 20, 30, 40] as const;
const C4_OVERHEAD_PCT = [31, 52, 80, 103] as const;

export const remusKernelCompile: MeasuredExperiment = {
  kind: 'measured',
  id: 'remus-kernel-compile',
  title: 'Kernel build overhead against checkpoint rate',
  paperFigure: 'Remus fig. 6',
  calibration: 'C4',
  setup: 'Remus, Linux kernel build in a 512 MiB VM, checkpoints per second swept',
  sweep: {
    engine: 'remus',
    workload: 'kernel-compile',
    params: { 'vm.memoryMiB': 512 },
    grid: { 'remus.checkpointsPerS': [10, 20, 30, 40] },
    replicates: 3,
    timeLimitS: 600,
  },
  quick: { grid: { 'remus.checkpointsPerS': [40] }, replicates: 2, timeLimitS: 90 },
  derive: nativeTime,
  show: [
    { metric: 'overheadPct', label: 'overhead', unit: '%', signed: true },
    { metric: 'completionTimeS', label: 'build time', unit: 's' },
    { metric: 'achievedCheckpointsPerS', label: 'checkpoints achieved', unit: '/s' },
  ],
  checks: [
    ...C4_RATES.map((rate, i) => ({
      label: `overhead @${rate}/s`,
      metric: 'overheadPct',
      unit: 'points',
      signed: true as const,
      where: { 'remus.checkpointsPerS': rate },
      published: C4_OVERHEAD_PCT[i]!,
      fitted: 'kernel-compile’s hot set (workload.hotSetMiB: the slope) and fresh-page rate (workload.coldWritesPerS: the level) were fitted to these four points',
      tolerance: { abs: 15, why: 'chosen: an overhead is a ratio of two run times; ±15 percentage points' },
    })),
    {
      label: 'native build',
      metric: 'nativeCompletionTimeS',
      unit: 's',
      published: 310,
      fitted: 'kernel-compile’s workload.workS is set to 310 s of CPU work',
      tolerance: { pct: 10, why: 'chosen: ≈310 s is a round figure from the text; ±10 %' },
    },
  ],
  figure: (ctx) =>
    ciAgainst(ctx.rows, {
      x: 'remus.checkpointsPerS',
      series: [{ metric: 'overheadPct', label: 'simulated' }],
      published: [{ label: 'published', points: C4_RATES.map((r, i) => [r, C4_OVERHEAD_PCT[i]!] as const) }],
      title: 'Kernel build overhead against checkpoint rate (Remus fig. 6 / C4)',
      xTitle: 'checkpoints per second',
      yTitle: 'overhead (%)',
    }),
};

/** replicationMbps (10⁶ bit/s) as MB/s (10⁶ byte/s), the unit C6 is published in. */
function replicationMBps(row: Row): Record<string, number | undefined> {
  const v = row.replicationMbps;
  return { replicationMBps: typeof v === 'number' ? v / 8 : undefined };
}

const C6_TOL: Tolerance = {
  pct: 20,
  why: 'chosen: C6 gives ranges read off a figure; ±20 % of the range midpoint beyond either end',
};

export const remusCompression: MeasuredExperiment = {
  kind: 'measured',
  id: 'remus-compression',
  title: 'Checkpoint compression on the kernel-build stream',
  paperFigure: 'Remus, checkpoint compression',
  calibration: 'C6',
  setup: 'Remus, kernel build (first 120 s), 25 ms epochs; compression none / xor-rle / hybrid (stock gzip is not an engine mode)',
  sweep: {
    engine: 'remus',
    workload: 'kernel-compile',
    params: { 'run.durationS': 120 },
    grid: { 'remus.compression': ['none', 'xor-rle', 'hybrid'] },
    replicates: 3,
    timeLimitS: 600,
  },
  quick: { params: { 'run.durationS': 20 }, replicates: 2, timeLimitS: 60 },
  derive: replicationMBps,
  show: [
    { metric: 'replicationMBps', label: 'replication rate', unit: 'MB/s' },
    { metric: 'compressionRatio', label: 'compression ratio', unit: ':1' },
  ],
  checks: [
    { label: 'raw', metric: 'replicationMBps', unit: 'MB/s', where: { 'remus.compression': 'none' }, published: [35, 50], tolerance: C6_TOL },
    { label: 'XOR', metric: 'replicationMBps', unit: 'MB/s', where: { 'remus.compression': 'xor-rle' }, published: [7, 20], tolerance: C6_TOL, fitted: 'kernel-compile’s declared write model (workload.pageEntropyBits, bytes changed per write) was fitted to C6' },
    { label: 'hybrid', metric: 'replicationMBps', unit: 'MB/s', where: { 'remus.compression': 'hybrid' }, published: [3, 5], tolerance: C6_TOL, fitted: 'kernel-compile’s declared write model was fitted to C6' },
    {
      label: 'hybrid ratio',
      metric: 'compressionRatio',
      unit: ':1',
      where: { 'remus.compression': 'hybrid' },
      published: 10,
      fitted: 'kernel-compile’s declared write model was fitted to C6',
      tolerance: { pct: 25, why: 'chosen: “typically 10:1”; ±25 %' },
    },
  ],
  figure: (ctx) =>
    meanBars(
      ctx.rows,
      (['none', 'xor-rle', 'hybrid'] as const).map((c) => ({ label: c, metric: 'replicationMBps', where: { 'remus.compression': c } })),
      'Replication rate by compression (C6)',
      'MB/s sent to the backup',
    ),
};

export const remusPostmark: MeasuredExperiment = {
  kind: 'measured',
  id: 'remus-postmark',
  title: 'Disk-only replication under Postmark',
  paperFigure: 'Remus fig. 9',
  setup: 'Remus with memory checkpoints and output buffering off (disk replication alone), Postmark (10,000 transactions)',
  sweep: {
    engine: 'remus',
    workload: 'postmark',
    params: { 'remus.memory': false, 'remus.netBuffering': false },
    replicates: 3,
    timeLimitS: 600,
  },
  quick: { replicates: 2, timeLimitS: 60 },
  derive: nativeTime,
  show: [
    { metric: 'completionTimeS', label: 'run time, disk replicated', unit: 's' },
    { metric: 'nativeCompletionTimeS', label: 'run time, unprotected', unit: 's' },
    { metric: 'overheadPct', label: 'overhead', unit: '%', signed: true },
  ],
  figure: (ctx) =>
    meanBars(
      ctx.rows,
      [
        { label: 'unprotected', metric: 'nativeCompletionTimeS' },
        { label: 'disk-only Remus', metric: 'completionTimeS' },
      ],
      'Postmark run time (Remus fig. 9)',
      'run time (s)',
    ),
};

export const remusFailover: MeasuredExperiment = {
  kind: 'measured',
  id: 'remus-failover',
  title: 'Failover: the primary crashes mid-run',
  paperFigure: 'Remus, failover (described, not plotted)',
  setup: 'Remus, key-value store with closed-loop clients, the primary host crashes mid-run',
  sweep: { engine: 'remus', workload: 'kvstore', params: { 'run.durationS': 30, 'faults.primaryCrashAtS': 15 }, replicates: 5, timeLimitS: 300 },
  quick: { params: { 'run.durationS': 6, 'faults.primaryCrashAtS': 3 }, replicates: 2, timeLimitS: 60 },
  show: [
    { metric: 'failoverMs', label: 'failover', unit: 'ms' },
    { metric: 'clientOutageMs', label: 'client outage', unit: 'ms' },
    { metric: 'lostOutputs', label: 'lost outputs', unit: '' },
    { metric: 'inv.memoryConsistent', label: 'memoryConsistent', unit: '', kind: 'fraction' },
    { metric: 'inv.diskConsistent', label: 'diskConsistent', unit: '', kind: 'fraction' },
    { metric: 'inv.noLostOutput', label: 'noLostOutput', unit: '', kind: 'fraction' },
  ],
  // Drawn from the rows (crash time + failoverMs per replicate): no extra run of a costly point.
  figure: (ctx) => failoverTimeline(ctx.rows, 'Failover per replicate: crash to running on the backup'),
};
