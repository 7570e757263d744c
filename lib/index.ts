/**
 * vmft's public API. Notebooks and scripts import this (built: dist/lib/index.js).
 * Layers, top to bottom (docs/design.md, "Layers"): cli → reproduce, compare → analysis; sweep; scenario;
 * engines → faults, workloads; replication; net → vm, metrics; sim, params.
 */
export { MODEL_VERSION, TOOLKIT_VERSION } from './version.js';

// Running one configuration.
export {
  runScenario,
  validateRequest,
  resolveRunParams,
  overheadPct,
  checkSeed,
  simulate,
  buildRun,
  COMMON_PARAMS,
  ENGINE_DEFS,
  getEngine,
  ENGINES,
  PLANNED_ENGINES,
  type EngineName,
  type RunRequest,
  type RunResult,
  type EngineRunResult,
  type RunResultOf,
  type RunMetrics,
  type SeriesRecord,
  type SimulationOutcome,
  type BuiltRun,
  type RunGuest,
} from './scenario/index.js';

// Parameters and bad input.
export {
  InputError,
  isInputError,
  Params,
  resolveParams,
  coerceParam,
  describeAllowed,
  numberParam,
  booleanParam,
  enumParam,
  stringParam,
  type ParamValue,
  type ParamSpec,
  type ParamInput,
} from './params/index.js';

// Workload presets.
export { WORKLOADS, getWorkload, workloadNames, WritePattern, LOCALITIES, type WorkloadPreset, type GuestInstance, type GuestEnv, type ClientPopulation, type ClientEnv, type Locality } from '../workloads/index.js';

// Engines and faults.
export { DEFAULT_LAYOUT, type EngineDef, type EngineContext, type EngineInstance, type EngineReport, type EngineGuest, type RunLayout } from './engines/engine.js';
export { unprotectedEngine } from './engines/unprotected/index.js';
export { remusEngine, REMUS_PARAMS } from './engines/remus/index.js';
export { activeEngine } from './engines/active/index.js';
export { spareEngine } from './engines/spare/index.js';
export { migrationEngine, POLICIES, POLICY_NAMES, MIGRATION_PARAMS, type Policy } from './engines/migration/index.js';
export { HOST_PROFILES, HOST_PROFILE_NAMES, HOST_COST_NAMES, HOST_PARAMS, hostCosts, profileCosts, type HostCosts, type HostCostName, type HostProfile, type HostProfileName } from './engines/host-profiles.js';
export { FAULT_PARAMS, FAULT_KINDS, FAULT_CLASSES, BYZANTINE_KINDS, faultSchedule, type FaultKind, type FaultClass, type ByzantineKind, type ScheduledFault } from './faults/index.js';

// Replicated services: replica managers, total order, reply voting.
export {
  ReplicationGroup,
  VoteCollector,
  ReplyAudit,
  DEFAULT_RM_COSTS,
  RM_MESSAGE_CPU_NS,
  RM_DIGEST_CPU_NS,
  RM_DIGEST_CPU_NS_PER_KIB,
  RM_HEARTBEAT_MS,
  RM_SUSPECT_TIMEOUT_MS,
  type GroupRequest,
  type ReplicationGroupOptions,
  type RmCosts,
  type RmStats,
  type Suspicion,
  type ReferenceMachine,
  type AuditResult,
} from './replication/index.js';

// The emulated machine and the kernel, for building new engines and workloads.
export { PageMemory, DirtyLog, Disk, Nic, Host, HostCpu, VCpu, VM, type Packet, type GuestProgram, type CpuState } from './vm/index.js';
export { NetBuffers, NET_PAGES_PER_KIB, type NetBufferOptions } from './vm/index.js';
export { Simulation, SimulationError, Signal, RandomStream, RandomStreams, maxMinShare, ns, us, ms, s, toMs, toS, type Nanos } from './sim/index.js';

// The network: links, topology, transports, client populations.
export {
  Network,
  Service,
  type ServiceFrontEnd,
  Channel,
  Flow,
  Link,
  Timeline,
  RequestLog,
  TcpClient,
  TcpServer,
  DatagramClient,
  GapMeter,
  ClosedLoopClients,
  OpenLoopClients,
  RtoEstimator,
  TCP_RTO_MIN_NS,
  TCP_CONNECTION_TIMEOUT_NS,
  type NetworkOptions,
  type TimelineRecord,
} from './net/index.js';

// Statistics, sweeps, analysis.
export * from './metrics/index.js';
export {
  sweep,
  SweepAbortedError,
  expandSpec,
  pointCount,
  pointId,
  pointSeed,
  validateSpec,
  loadSpec,
  specHash,
  sweepSpecJsonSchema,
  readStore,
  mergeStores,
  resolveShard,
  parseShard,
  progressReporter,
  SpecError,
  deterministicPart,
  type SweepProgress,
  type SweepManifest,
  type Shard,
  type RunnerRef,
  type SweepSpec,
  type SweepSpecInput,
  type SweepRow,
  type SweepOptions,
  type SweepPoint,
} from './sweep/index.js';
export * from './analysis/index.js';

// Every protection side by side (vmft compare).
export {
  compare,
  compareText,
  compareMarkdown,
  compareCostChart,
  compareNinesChart,
  dependability,
  HOURS_PER_YEAR,
  expressFaults,
  validateFaultLoad,
  loadFaultLoad,
  canonicalFaultLoad,
  faultLoadJsonSchema,
  runOutcome,
  protections,
  type CompareOptions,
  type CompareResult,
  type CompareRow,
  type Dependability,
  type MeasuredFault,
  type FaultLoad,
  type FaultLoadInput,
  type LoadFault,
  type FaultRate,
  type Outcome,
  type NotApplicable,
} from './compare/index.js';

// The paper reproduction (vmft reproduce).
export * from './reproduce/index.js';

// Shadow replicas: verified state updates, digests, consistency, the fault bound, proactive recovery.
export { digestBytes, digestPages } from './vm/index.js';
export {
  ShadowReplica,
  UpdateProducer,
  ShadowConsistency,
  VerifiedUpdates,
  ProactiveRecovery,
  ResourceLedger,
  decideUpdate,
  payloadSource,
  payloadMatches,
  faultBoundHeld,
  faultyIntervals,
  maxFaultyPerWindow,
  rotationWindowS,
  plannedReplacements,
  RECOVERY_STEPS,
  initialRecoveryState,
  recoveryReducer,
  recoveryReplacements,
  SHADOW_COST_PROFILES,
  XEN_2008_SHADOW_COSTS,
  MODERN_SHADOW_COSTS,
  shadowCosts,
  capturePauseNs,
  type ShadowCosts,
  type ShadowCostProfile,
  type StateUpdate,
  type UpdateDecision,
  type ResourceMeter,
  type InjectedFault,
  type Replacement,
  type RecoveryState,
  type RecoveryEvent,
  type RecoveryAction,
  type RecoveryRecord,
  type HostRoles,
  type UpdateTransport,
  type UpdateRoundRecord,
  type UpdateHost,
  type VerifiedUpdatesOptions,
  type ProactiveRecoveryOptions,
  type ShadowState,
  type ActivationRecord,
  type RecoveryStep,
  type CpuUse,
} from './replication/shadow/index.js';
