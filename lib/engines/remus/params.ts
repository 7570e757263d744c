import { InputError, booleanParam, enumParam, numberParam, type ParamSpec, type Params } from '../../params/index.js';
import { hostCosts, type HostCosts } from '../host-profiles.js';
import { COMPRESSION_METHODS, UNDECLARED_MODEL, type CompressionMethod, type PageWriteModel } from './compression.js';

/** Remus's keys (docs/design.md#parameter-keys). */
export const REMUS_PARAMS: readonly ParamSpec[] = [
  numberParam('remus.epochMs', 25, 'checkpoint interval, ms (Remus paper: 25 ms; Xen’s `xl remus` default: 200 ms)', { positive: true, max: 60_000 }),
  numberParam('remus.checkpointsPerS', undefined, 'instead of remus.epochMs: checkpoints per second', { positive: true, max: 10_000 }),
  booleanParam('remus.memory', true, 'replicate memory (false with remus.netBuffering=false: disk replication alone, the Postmark experiment)'),
  booleanParam('remus.netBuffering', true, 'hold outbound packets until their checkpoint is acknowledged (false: the unsafe mode)'),
  booleanParam('remus.disk', true, 'replicate disk writes (held at the backup per checkpoint, applied on commit)'),
  enumParam('remus.compression', COMPRESSION_METHODS, 'none', 'checkpoint compression: XOR with the last sent copy + RLE, or hybrid with gzip fallback'),
  numberParam('remus.compressionCacheMiB', 64, 'bounded cache of last-sent pages that XOR compares against, MiB (estimate)', { min: 0 }),
  numberParam('remus.heartbeatTimeoutMs', 1000, 'silence after which a side declares the other failed (Xen restore code: 1000 ms)', { positive: true }),
  numberParam('remus.primaries', 1, 'primaries protected by one backup, sharing its link and CPU', { min: 1, max: 64, integer: true }),
  booleanParam('remus.optimisedSuspend', true, 'Remus’s event-channel suspend (≈100 µs, C7) instead of stock Xen’s (30–40 ms)'),
];

export interface RemusConfig {
  readonly epochNs: number;
  readonly memory: boolean;
  readonly netBuffering: boolean;
  readonly disk: boolean;
  readonly compression: CompressionMethod;
  readonly cachePages: number;
  readonly heartbeatTimeoutNs: number;
  readonly primaries: number;
  readonly optimisedSuspend: boolean;
  readonly writeModel: PageWriteModel;
  /** The hosts' costs: the Remus testbed's unless host.profile or a host.* key says otherwise. */
  readonly costs: HostCosts;
}

/** Read and check Remus's keys (bad combinations are bad input, exit 2). */
export function remusConfig(p: Params): RemusConfig {
  const cps = p.optNum('remus.checkpointsPerS');
  const epochMs = cps !== undefined ? 1000 / cps : p.num('remus.epochMs');
  const memory = p.bool('remus.memory');
  const netBuffering = p.bool('remus.netBuffering');
  if (!memory && netBuffering)
    throw new InputError('remus.memory', 'false needs remus.netBuffering=false too: output cannot be committed without memory checkpoints', 'remus.memory=false with remus.netBuffering=false');
  if (!memory && !p.bool('remus.disk')) throw new InputError('remus.disk', 'nothing left to replicate with remus.memory=false', 'true when remus.memory=false');
  const pageBytes = p.num('vm.pageKiB') * 1024;
  return {
    epochNs: Math.round(epochMs * 1e6),
    memory,
    netBuffering,
    disk: p.bool('remus.disk'),
    compression: p.str('remus.compression') as CompressionMethod,
    cachePages: Math.floor((p.num('remus.compressionCacheMiB') * 1024 * 1024) / pageBytes),
    heartbeatTimeoutNs: Math.round(p.num('remus.heartbeatTimeoutMs') * 1e6),
    primaries: p.num('remus.primaries'),
    optimisedSuspend: p.bool('remus.optimisedSuspend'),
    writeModel: writeModelOf(p, pageBytes),
    costs: hostCosts(p, 'remus-2008'),
  };
}

/** The workload's declared write model (its `workload.*` keys), or the undeclared default. */
export function writeModelOf(p: Params, pageBytes: number): PageWriteModel {
  const b = p.optNum('workload.bytesChangedPerWrite');
  if (b === undefined) return UNDECLARED_MODEL(pageBytes);
  return {
    bytesChangedPerWrite: b,
    runsPerWrite: p.optNum('workload.runsPerWrite') ?? 1,
    entropyBits: p.optNum('workload.pageEntropyBits') ?? 8,
  };
}
