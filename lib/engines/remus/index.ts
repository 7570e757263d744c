export { remusEngine } from './engine.js';
export { FluidTransport } from './fluid-transport.js';
export type { ReplicationTransport } from './transport.js';
export { OUTPUT_SERIES_MAX } from './outage.js';
export {
  CheckpointCompressor,
  xorRleSize,
  synthPage,
} from './compression.js';
export * as remusCosts from './costs.js';
