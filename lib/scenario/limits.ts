import { constants } from 'node:buffer';
import type { EngineDef } from '../engines/engine.js';
import type { ScheduledFault } from '../faults/index.js';
import { InputError, type ParamInput, type Params } from '../params/index.js';
import type { WorkloadPreset } from '../../workloads/index.js';

/*
 * Values a spec allows one by one but that, together, would make a run hang, exhaust memory or
 * crash at its end. Each limit is refused up front (exit 2) with the limit and why it exists.
 */

/** Windows of the dirty-page series (`series.dirty`): one row each, kept in memory. */
export const MAX_SAMPLE_WINDOWS = 1_000_000;
/** Guest page writes a run may simulate (each one is simulated: ≈ 10^7 per CPU-second). */
export const MAX_PAGE_WRITES = 200_000_000;
/** Remus checkpoints a run of fixed length may take, over all primaries (each is simulated and is a row of series.epochs). */
export const MAX_CHECKPOINTS = 100_000;
/** Closed-loop kvstore clients: every client is a flow whose fair share is recomputed at every change, so cost grows with their square. */
export const MAX_KVSTORE_CLIENTS = 2000;
/** Guest pages plus disk blocks (64 GiB of 4 KiB units): per-unit state lives in typed arrays (4 bytes each, several copies per run). */
export const MAX_UNITS = 1 << 24;
/** A content-backed guest keeps its memory and its disk as one byte array each: at most the platform's typed-array length. */
export const MAX_CONTENT_MIB = Math.floor(constants.MAX_LENGTH / (1024 * 1024));

const fmt = (n: number): string => (Number.isInteger(n) ? n.toLocaleString('en-US') : n.toPrecision(3));

/** The first of `keys` the user set (the one to name), else `fallback`. */
function named(input: ParamInput, keys: readonly string[], fallback: string): string {
  return keys.find((k) => input[k] !== undefined) ?? fallback;
}

/**
 * Refuse a run the simulator cannot finish in bounded time and memory, and faults the engine
 * cannot apply. Throws InputError naming the key, the limit and the reason.
 */
export function checkRunLimits(engine: EngineDef, preset: WorkloadPreset, params: Params, input: ParamInput, faults: readonly ScheduledFault[]): void {
  const durationS = params.num('run.durationS');

  const sampleMs = params.num('run.sampleMs');
  const windows = (durationS * 1000) / sampleMs;
  if (windows > MAX_SAMPLE_WINDOWS)
    throw new InputError(
      'run.sampleMs',
      `${sampleMs} ms makes ${fmt(windows)} windows over run.durationS = ${durationS} s; the limit is ${fmt(MAX_SAMPLE_WINDOWS)} (each window is a row of series.dirty, kept in memory)`,
      `≥ ${fmt((durationS * 1000) / MAX_SAMPLE_WINDOWS)} ms for this run length`,
    );

  const rate = params.optNum('workload.dirtyPagesPerS');
  if (rate !== undefined && rate * durationS > MAX_PAGE_WRITES)
    throw new InputError(
      named(input, ['workload.dirtyPagesPerS', 'run.durationS'], 'workload.dirtyPagesPerS'),
      `${fmt(rate)} page writes/s over ${durationS} s is ${fmt(rate * durationS)} writes; the limit is ${fmt(MAX_PAGE_WRITES)} per run (every write is simulated)`,
      `workload.dirtyPagesPerS × run.durationS ≤ ${fmt(MAX_PAGE_WRITES)}`,
    );

  const pageBytes = params.num('vm.pageKiB') * 1024;
  const memoryMiB = params.num('vm.memoryMiB');
  const diskMiB = params.num('vm.diskMiB');
  const units = (memoryMiB * 1048576) / pageBytes + (diskMiB * 1048576) / 4096;
  if (units > MAX_UNITS)
    throw new InputError(
      named(input, ['vm.diskMiB', 'vm.memoryMiB', 'vm.pageKiB'], 'vm.memoryMiB'),
      `${fmt(memoryMiB)} MiB of memory and ${fmt(diskMiB)} MiB of disk are ${fmt(units)} pages and blocks; the limit is ${fmt(MAX_UNITS)} (each has 4-byte state in several arrays)`,
      `pages + 4 KiB blocks ≤ ${fmt(MAX_UNITS)}`,
    );
  if (preset.contentBacked === true)
    for (const [key, mib] of [['vm.memoryMiB', memoryMiB], ['vm.diskMiB', diskMiB]] as const)
      if (mib > MAX_CONTENT_MIB)
        throw new InputError(
          key,
          `${fmt(mib)} MiB is over the limit of ${fmt(MAX_CONTENT_MIB)} MiB for workload ${preset.name}, whose guest keeps every byte of its memory and disk (one array each, at most the platform's typed-array length)`,
          `≤ ${MAX_CONTENT_MIB}`,
        );

  if (preset.name === 'kvstore') {
    const clients = params.num('workload.clients');
    if (clients > MAX_KVSTORE_CLIENTS)
      throw new InputError(
        'workload.clients',
        `${fmt(clients)} clients is over the limit of ${fmt(MAX_KVSTORE_CLIENTS)} (each client is a flow whose fair share is recomputed at every change: the cost grows with the square of the clients)`,
        `≤ ${MAX_KVSTORE_CLIENTS}`,
      );
  }

  // Remus over a fixed run length: checkpoints × primaries. Fixed work ends when done (its
  // run.durationS is an upper bound); there the series are capped instead.
  const epochMs = params.optNum('remus.epochMs');
  if (engine.name === 'remus' && epochMs !== undefined && !preset.fixedWork) {
    const primaries = params.optNum('remus.primaries') ?? 1;
    const checkpoints = ((durationS * 1000) / epochMs) * primaries;
    if (checkpoints > MAX_CHECKPOINTS)
      throw new InputError(
        named(input, ['remus.primaries', 'remus.epochMs', 'remus.checkpointsPerS', 'run.durationS'], 'run.durationS'),
        `${primaries} primar${primaries === 1 ? 'y' : 'ies'} × ${durationS} s at ${fmt(epochMs)} ms epochs is ${fmt(checkpoints)} checkpoints; the limit is ${fmt(MAX_CHECKPOINTS)} per run (each is simulated and recorded as a row of series.epochs)`,
        `remus.primaries × run.durationS ÷ epoch ≤ ${fmt(MAX_CHECKPOINTS)}`,
      );
  }

  for (const f of faults)
    if (!engine.faultKinds.includes(f.kind))
      throw new InputError(
        `faults.${f.kind}AtS`,
        `engine ${engine.name} cannot apply a ${f.kind} fault (it has nothing to act on), so it would never happen`,
        `the faults of engine ${engine.name}: ${engine.faultKinds.map((k) => `faults.${k}AtS`).join(', ')}`,
      );
}
