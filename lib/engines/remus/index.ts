export { remusEngine } from './engine.js';
export { REMUS_PARAMS } from './params.js';
export { FluidLink, type ReplicationTransport } from './link.js';
export { OUTPUT_SERIES_MAX } from './outage.js';
export {
  CheckpointCompressor,
  xorRleSize,
  synthPage,
} from './compression.js';
export * as remusCosts from './costs.js';
