import { BASIC_FAULT_KEYS, type EngineDef } from '../engines/engine.js';
import { FAULT_PARAMS, byzantineFault } from '../faults/index.js';
import { InputError, type Params } from '../params/index.js';
import { WORKLOADS, type WorkloadPreset } from '../../workloads/index.js';

/** Keys the scenario applies under every engine (Byzantine faults strike the engine's active VMs). */
const SCENARIO_FAULT_KEYS = ['faults.byzantineReplicas', 'faults.byzantineAtS', 'faults.byzantineKind'];

/** Service replicas an engine starts with (default: one active). */
export function engineReplicas(engine: EngineDef, params: Params): { readonly active: number; readonly passive: number } {
  return engine.replicas?.(params) ?? { active: 1, passive: 0 };
}

/**
 * What a run's engine, workload and fault keys must agree on (InputError, exit 2, otherwise): a
 * replicating engine needs a replicable workload; every fault key set must be one the engine
 * applies; a Byzantine fault needs a workload that can misbehave and at most as many replicas as
 * the engine runs.
 */
export function checkRunCombination(engine: EngineDef, preset: WorkloadPreset, params: Params): void {
  if (engine.replicated === true && preset.replicable === undefined)
    throw new InputError(
      'workload',
      `${preset.name} is not replicable: engine ${engine.name} runs the service as a replicated state machine`,
      WORKLOADS.filter((w) => w.replicable !== undefined)
        .map((w) => w.name)
        .join(' | '),
    );
  const applied = engine.faultKeys ?? BASIC_FAULT_KEYS;
  for (const spec of FAULT_PARAMS) {
    if (!params.has(spec.key) || applied.includes(spec.key) || SCENARIO_FAULT_KEYS.includes(spec.key)) continue;
    throw new InputError(spec.key, `engine ${engine.name} cannot apply this fault`, `${[...applied, ...SCENARIO_FAULT_KEYS].join(', ')} (or none)`);
  }
  const byz = byzantineFault(params, params.num('run.durationS'));
  if (byz !== null) {
    if (preset.replicable === undefined)
      throw new InputError('faults.byzantineKind', `workload ${preset.name} has no Byzantine behaviour (it is not replicable)`, 'a replicable workload: kvstore');
    const { active } = engineReplicas(engine, params);
    if (byz.replicas > active)
      throw new InputError('faults.byzantineReplicas', `engine ${engine.name} runs ${active} active replica${active === 1 ? '' : 's'} here`, `1 … ${active}`);
  }
}
