export { activeEngine, activeLayout } from './engine.js';
export { ACTIVE_PARAMS } from './params.js';
export { ReplicatedFrontEnd } from './front-end.js';
