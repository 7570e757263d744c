import type { MeasuredExperiment } from '../types.js';

/**
 * Every protection on one service and one fault (docs/compare.md): the verifying key-value store,
 * host 0 crashing a third into the run — the unprotected host, Remus's primary and the migration
 * source (the maintenance migration starts at a quarter), the first sequencer under `active`. No
 * paper measured these side by side: simulated values only.
 */
export const protectionsKvstore: MeasuredExperiment = {
  kind: 'measured',
  id: 'protections-kvstore',
  title: 'Every protection on the key-value store with host 0 crashing',
  paperFigure: 'none: no paper compares them (vmft compare)',
  setup: 'kvstore (verifying clients), 30 s, host 0 crashes at 10 s; unprotected, a maintenance migration from 7.5 s, Remus with and without output buffering, SPARE and active with f = 1',
  sweep: {
    workload: 'kvstore',
    params: { 'run.durationS': 30, 'faults.hostCrashAtS': 10, 'migration.startAtS': 7.5 },
    grid: { engine: ['unprotected', 'migration', 'remus', 'spare', 'active'], 'remus.netBuffering': [true, false] },
    replicates: 3,
    timeLimitS: 300,
  },
  quick: { params: { 'run.durationS': 6, 'faults.hostCrashAtS': 2, 'migration.startAtS': 1.5 }, replicates: 1, timeLimitS: 120 },
  show: [
    { metric: 'hostsReserved', label: 'hosts', unit: '' },
    { metric: 'cpuSeconds', label: 'CPU', unit: 's' },
    { metric: 'memoryGiBSeconds', label: 'memory', unit: 'GiB·s' },
    { metric: 'networkMiB', label: 'network', unit: 'MiB' },
    { metric: 'throughputOpsPerS', label: 'throughput', unit: 'ops/s' },
    { metric: 'latencyMsP99', label: 'latency p99', unit: 'ms' },
    { metric: 'clientOutageMs', label: 'client outage', unit: 'ms' },
    { metric: 'wrongReplies', label: 'wrong replies', unit: '' },
    { metric: 'inv.noWrongReply', label: 'no wrong reply', unit: '', kind: 'fraction' },
  ],
};
