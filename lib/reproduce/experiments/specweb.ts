/**
 * SPECweb2005 experiments (Remus fig. 7–8). Published numbers: docs/design.md#calibration row C5 only
 * (tolerance ±10 % or 5 % of the ≈350 scale).
 */
import { ciAgainst, meanBars } from '../figures.js';
import type { MeasuredExperiment } from '../types.js';

const C5_DELAY_MS = [0, 60, 70, 80, 90, 100] as const;
const C5_SCORE = [305, 175, 140, 120, 100, 70] as const;

export const specwebLatency: MeasuredExperiment = {
  kind: 'measured',
  id: 'specweb-latency',
  title: 'SPECweb2005 score against extra network delay (no Remus)',
  paperFigure: 'Remus fig. 8',
  calibration: 'C5',
  setup: 'SPECweb2005 e-commerce, unprotected, extra one-way delay on the server’s outbound link (netem)',
  sweep: {
    engine: 'unprotected',
    workload: 'specweb2005',
    grid: { 'net.clientLatencyMs': [...C5_DELAY_MS] },
    // The score search is noisy (±15 % at n = 3): five replicates narrow the interval.
    replicates: 5,
    timeLimitS: 300,
  },
  // The score search needs the preset's full run (its phases and warm-ups): quick drops points only.
  quick: { grid: { 'net.clientLatencyMs': [0, 60, 100] }, replicates: 2, timeLimitS: 60 },
  show: [
    { metric: 'score', label: 'score', unit: 'sessions' },
    { metric: 'latencyMsP99', label: 'latency p99', unit: 'ms' },
  ],
  checks: C5_DELAY_MS.map((delay, i) => ({
    label: `score @${delay} ms`,
    metric: 'score',
    unit: '',
    where: { 'net.clientLatencyMs': delay },
    published: C5_SCORE[i]!,
    tolerance: { pct: 10, fullScale: 350, why: 'chosen: scores read off the figure; 10 %, or 5 % of its ≈350 scale' },
    ...(delay === 0 ? { fitted: 'specweb2005’s CPU per page and server workers were calibrated on the 0 ms score' } : {}),
  })),
  explanation:
    'The simulated curve falls a little too steeply from 0 to 60 ms and a little too gently from 60 to 100 ms: every page costs a fixed number of sequential round trips (≈17 on average: slow-start windows, two image connections, SSL on checkout pages — docs/workloads.md), so the score falls roughly as 1 / (1 + round trips × delay / page time); the real harness’s connection reuse and think-time distribution bend it differently. The score search itself spreads by ≈ ±15 sessions between seeds. Points at 70–100 ms are within tolerance; 60 ms is low by about one tolerance width.',
  figure: (ctx) =>
    ciAgainst(ctx.rows, {
      x: 'net.clientLatencyMs',
      series: [{ metric: 'score', label: 'simulated' }],
      published: [{ label: 'published', points: C5_DELAY_MS.map((d, i) => [d, C5_SCORE[i]!] as const) }],
      title: 'SPECweb2005 score against added one-way delay (Remus fig. 8 / C5)',
      xTitle: 'added one-way delay (ms)',
      yTitle: 'score (concurrent sessions)',
    }),
};

export const remusSpecweb: MeasuredExperiment = {
  kind: 'measured',
  id: 'remus-specweb',
  title: 'SPECweb2005 under Remus, with and without output buffering',
  paperFigure: 'Remus fig. 7',
  setup: 'Remus, SPECweb2005 e-commerce, 25 ms epochs; network output buffering on and off',
  sweep: {
    engine: 'remus',
    workload: 'specweb2005',
    grid: { 'remus.netBuffering': [true, false] },
    replicates: 5,
    timeLimitS: 300,
  },
  quick: { replicates: 2, timeLimitS: 60 },
  show: [
    { metric: 'score', label: 'score', unit: 'sessions' },
    { metric: 'overheadPct', label: 'overhead', unit: '%' },
    { metric: 'achievedCheckpointsPerS', label: 'checkpoints achieved', unit: '/s' },
    { metric: 'latencyMsP99', label: 'latency p99', unit: 'ms' },
  ],
  figure: (ctx) =>
    meanBars(
      ctx.rows,
      [
        { label: 'output buffered', metric: 'score', where: { 'remus.netBuffering': true } },
        { label: 'not buffered', metric: 'score', where: { 'remus.netBuffering': false } },
      ],
      'SPECweb2005 score under Remus (Remus fig. 7)',
      'score (concurrent sessions)',
    ),
};
