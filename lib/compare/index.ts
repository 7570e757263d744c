/** One workload, one fault load, every protection: `vmft compare` and its parts. */
export { compare, type CompareOptions, type CompareResult, type CompareRow } from './compare.js';
export { compareText, compareMarkdown } from './format.js';
export { compareCostChart, compareNinesChart } from './figures.js';
export { dependability, HOURS_PER_YEAR, type Dependability, type MeasuredFault } from './dependability.js';
export { expressFaults, type NotApplicable } from './express.js';
export {
  validateFaultLoad,
  loadFaultLoad,
  canonicalFaultLoad,
  faultLoadJsonSchema,
  type FaultLoad,
  type FaultLoadInput,
  type LoadFault,
  type FaultRate,
} from './fault-load.js';
export { runOutcome, type Outcome } from './outcome.js';
export { protections } from './protections.js';
