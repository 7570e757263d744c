export { remusEngine, type RemusContext } from './engine.js';
export { REMUS_PARAMS, remusConfig, writeModelOf, type RemusConfig } from './params.js';
export { Primary, type PrimaryStats, type PrimaryState } from './primary.js';
export { Replica, type Checkpoint } from './backup.js';
export { failover, type FailoverOutcome } from './failover.js';
export { FluidLink, type ReplicationTransport, type ReplicationChannel } from './link.js';
export { NetTransport } from './net-transport.js';
export { ClientGapMeter, OUTPUT_SERIES_MAX } from './outage.js';
export { CpuTask } from './cpu-task.js';
export { SnapshotKeeper, imageMismatch, diskMismatch, sparseCloneMemory, sparseCloneDisk, memoryDifference, diskDifference } from './invariants.js';
export {
  CheckpointCompressor,
  PageCache,
  xorRleSize,
  gzipSize,
  synthPage,
  COMPRESSION_METHODS,
  HYBRID_MIN_XOR_RATIO,
  UNDECLARED_MODEL,
  type CompressionMethod,
  type PageWriteModel,
} from './compression.js';
export * as remusCosts from './costs.js';
