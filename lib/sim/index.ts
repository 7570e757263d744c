export { type Nanos, us, ms, s } from './time.js';
export { EventHeap, ScheduledEvent } from './event-heap.js';
export { Signal } from './signal.js';
export { Simulation, SimulationError, type Process, type Yieldable, type Timer } from './simulation.js';
export { maxMinShare } from './fair-share.js';
export { RandomStream, RandomStreams } from './random.js';
