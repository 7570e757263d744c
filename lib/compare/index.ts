/** One workload, one fault load, every protection: `vmft compare` and its parts. */
export { compare, type CompareOptions, type CompareResult, type CompareRow } from './compare.js';
export { compareText, compareMarkdown } from './format.js';
export { compareCostChart, compareNinesChart } from './figures.js';
export { dependability, HOURS_PER_YEAR, type Dependability, type MeasuredFault, type Exposure, type KindDependability } from './dependability.js';
export { expressFaults, type ExpressedFaults, type NotApplicable, type ProtectionShape } from './express.js';
export {
  FaultLoadSchema,
  LOAD_FAULT_KINDS,
  validateFaultLoad,
  loadFaultLoad,
  canonicalFaultLoad,
  faultLoadJsonSchema,
  type FaultLoad,
  type FaultLoadInput,
  type LoadFault,
  type LoadFaultKind,
  type FaultRate,
} from './fault-load.js';
export { runOutcome, type Outcome } from './outcome.js';
export { protections, type Protection } from './protections.js';
