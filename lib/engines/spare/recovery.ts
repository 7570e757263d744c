import { ProactiveRecovery } from '../../replication/shadow/index.js';
import { s } from '../../sim/index.js';
import type { UpdateBarrier } from './barrier.js';
import type { SpareRun } from './run.js';
import type { VerifiedState } from './updates.js';

/**
 * Proactive recovery (lib/replication/shadow): every `spare.recoveryIntervalS` one host's active
 * replica is renewed from verified state — its shadow takes over and a new shadow is made — so a
 * fault that stays hidden cannot outlast (f + 1) intervals. Null when the interval is 0 (off).
 * `onRecovered` runs after each renewal.
 */
export function proactiveRecovery(run: SpareRun, barrier: UpdateBarrier, verified: VerifiedState, onRecovered: () => void): ProactiveRecovery | null {
  const recoveryS = run.params.num('spare.recoveryIntervalS');
  if (recoveryS <= 0) return null;
  return new ProactiveRecovery({
    sim: run.sim,
    costs: run.costs,
    meter: run.shadowMeter,
    updates: run.updates,
    intervalNs: s(recoveryS),
    activeIds: run.active.map((vm) => vm.name),
    makeVm: (h, memory, id, seq, image) => verified.newShadowVm(h, memory, id, seq, image),
    switchExecution: (h, _from, to, sinceSeq, done) => {
      run.active[h] = to;
      run.standby[h] = run.updates.host(h).shadow.vm;
      barrier.replay(to, h, verified.position(sinceSeq) ?? -1);
      done();
    },
    onRecovered: (r) => {
      run.replacements.push({ host: r.host, atS: r.stepDoneAtS[r.stepDoneAtS.length - 1]! });
      run.countReplicas();
      onRecovered();
    },
  });
}

/** Call `fallsDue` every `spare.recoveryIntervalS` from now. */
export function scheduleRecoveries(run: SpareRun, fallsDue: () => void): void {
  const intervalNs = s(run.params.num('spare.recoveryIntervalS'));
  const due = (): void => {
    run.sim.schedule(intervalNs, () => {
      fallsDue();
      due();
    });
  };
  due();
}
