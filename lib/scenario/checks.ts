import type { EngineDef } from '../engines/engine.js';
import { byzantineFault } from '../faults/index.js';
import { InputError, type Params } from '../params/index.js';
import { WORKLOADS, type WorkloadPreset } from '../../workloads/index.js';

/** Service replicas an engine starts with (default: one active). */
export function engineReplicas(engine: EngineDef, params: Params): { readonly active: number; readonly passive: number } {
  return engine.replicas?.(params) ?? { active: 1, passive: 0 };
}

/**
 * What a run's engine, workload and fault keys must agree on (InputError, exit 2, otherwise): a
 * replicating engine needs a replicable workload; `faults.targetHost` needs an engine with one
 * replica per host (the scheduled fault kinds are checked with the run's limits); a Byzantine fault needs a workload that can misbehave and at most as many replicas as
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
  if (params.has('faults.targetHost') && engine.targetsHosts !== true)
    throw new InputError('faults.targetHost', `engine ${engine.name} has no host to choose: its crash faults name their host (primary, backup) or follow the VM`, 'unset, or an engine with one replica per host: active');
  const byz = byzantineFault(params, params.num('run.durationS'));
  if (byz !== null) {
    if (preset.replicable === undefined)
      throw new InputError('faults.byzantineKind', `workload ${preset.name} has no Byzantine behaviour (it is not replicable)`, 'a replicable workload: kvstore');
    const { active } = engineReplicas(engine, params);
    if (byz.replicas > active)
      throw new InputError('faults.byzantineReplicas', `engine ${engine.name} runs ${active} active replica${active === 1 ? '' : 's'} here`, `1 … ${active}`);
  }
}
