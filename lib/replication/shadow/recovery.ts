/**
 * Proactive recovery as a state machine: every recovery interval one host, in turn, renews its
 * replica with the five steps of SPARE's design —
 *   1. checkpoint-shadow  save the paused shadow's state (verified: it holds only accepted updates);
 *   2. create-shadow      create a new shadow VM from that checkpoint;
 *   3. activate-shadow    activate the old shadow (unpause, apply the updates since, catch up);
 *   4. switch-execution   switch service execution from the old active replica to it;
 *   5. discard-active     discard the old active VM.
 * Afterwards the host's former shadow is its active replica and the new VM its shadow; a fault the
 * old active had is gone with it.
 *
 * The machine is pure: `recoveryReducer(state, event)` returns the next state and the actions the
 * engine must carry out; the engine reports each action's completion as a `done` event. A recovery
 * that falls due while another runs waits for it (recoveries never overlap: one host at a time keeps
 * f + 1 replicas serving). A host that crashes is out for good (crash-stop): a recovery running on it
 * is abandoned, the next waiting one starts, and the turn skips it from then on. Tested on its own;
 * the engine only executes actions.
 */

export const RECOVERY_STEPS = ['checkpoint-shadow', 'create-shadow', 'activate-shadow', 'switch-execution', 'discard-active'] as const;
export type RecoveryStep = (typeof RECOVERY_STEPS)[number];

/** The VMs of one host: its active replica and its shadow (VM ids). */
export interface HostRoles {
  readonly active: string;
  readonly shadow: string;
}

/** A recovery in progress. */
export interface RecoveryRun {
  readonly host: number;
  readonly step: RecoveryStep;
  /** The VM step 2 creates (named when the recovery starts). */
  readonly newShadow: string;
  readonly dueAtS: number;
  readonly startedAtS: number;
}

/** A finished recovery, for the run's series and for `faultBoundHeld` (its replacement time). */
export interface RecoveryRecord {
  readonly host: number;
  readonly dueAtS: number;
  readonly startedAtS: number;
  /** When each step finished, in step order. */
  readonly stepDoneAtS: readonly number[];
  readonly discardedActive: string;
  readonly newActive: string;
  readonly newShadow: string;
}

export interface RecoveryState {
  readonly hosts: readonly HostRoles[];
  /** The host the next recovery renews. */
  readonly nextHost: number;
  readonly current: RecoveryRun | null;
  /** Times at which recoveries fell due and have not started (one runs at a time). */
  readonly waiting: readonly number[];
  readonly stepDoneAtS: readonly number[];
  readonly records: readonly RecoveryRecord[];
  /** Counter for the names of new VMs. */
  readonly vmCounter: number;
  /** Hosts that crashed, in the order they did: never renewed again. */
  readonly down: readonly number[];
  /** Recoveries abandoned because their host crashed during them. */
  readonly abandoned: readonly RecoveryRun[];
}

/** An instruction for the engine: carry out `step` on `host`, touching the VMs named. */
export interface RecoveryAction {
  readonly step: RecoveryStep;
  readonly host: number;
  /** The VM the step acts on: the shadow (steps 1, 3), the new VM (2), the old active (5). */
  readonly vm: string;
  /** Step 2 and 4: the other VM involved (2: the shadow whose checkpoint is used; 4: the old active). */
  readonly from?: string;
}

export type RecoveryEvent =
  /** The recovery interval elapsed: a recovery falls due at `atS`. */
  | { readonly kind: 'due'; readonly atS: number }
  /** The current step finished at `atS`. */
  | { readonly kind: 'done'; readonly step: RecoveryStep; readonly host: number; readonly atS: number }
  /** Host `host` crashed at `atS`. */
  | { readonly kind: 'hostDown'; readonly host: number; readonly atS: number };

/** The initial state: host i runs `hosts[i]`; the first recovery renews host 0. */
export function initialRecoveryState(hosts: readonly HostRoles[]): RecoveryState {
  if (hosts.length === 0) throw new Error('proactive recovery needs at least one host');
  const names = hosts.flatMap((h) => [h.active, h.shadow]);
  if (new Set(names).size !== names.length) throw new Error(`VM names must be distinct: ${names.join(', ')}`);
  return { hosts: [...hosts], nextHost: 0, current: null, waiting: [], stepDoneAtS: [], records: [], vmCounter: 0, down: [], abandoned: [] };
}

function actionFor(run: RecoveryRun, roles: HostRoles): RecoveryAction {
  switch (run.step) {
    case 'checkpoint-shadow':
      return { step: run.step, host: run.host, vm: roles.shadow };
    case 'create-shadow':
      return { step: run.step, host: run.host, vm: run.newShadow, from: roles.shadow };
    case 'activate-shadow':
      return { step: run.step, host: run.host, vm: roles.shadow };
    case 'switch-execution':
      return { step: run.step, host: run.host, vm: roles.shadow, from: roles.active };
    case 'discard-active':
      return { step: run.step, host: run.host, vm: roles.active };
  }
}

/** The first live host from `from` on, in turn; -1 when every host is down. */
function liveFrom(s: RecoveryState, from: number): number {
  const n = s.hosts.length;
  for (let k = 0; k < n; k++) if (!s.down.includes((from + k) % n)) return (from + k) % n;
  return -1;
}

function start(s: RecoveryState, dueAtS: number, atS: number): { state: RecoveryState; actions: RecoveryAction[] } {
  const host = liveFrom(s, s.nextHost);
  if (host < 0) return { state: s, actions: [] }; // nothing left to renew
  const newShadow = `recovered-${s.vmCounter + 1}`;
  const run: RecoveryRun = { host, step: 'checkpoint-shadow', newShadow, dueAtS, startedAtS: atS };
  const state = { ...s, current: run, stepDoneAtS: [], vmCounter: s.vmCounter + 1 };
  return { state, actions: [actionFor(run, s.hosts[host]!)] };
}

/** No recovery runs in `idle`: start the oldest one waiting, if any. */
function startWaiting(idle: RecoveryState, atS: number): { state: RecoveryState; actions: RecoveryAction[] } {
  if (idle.waiting.length === 0) return { state: idle, actions: [] };
  const [dueAtS, ...rest] = idle.waiting;
  return start({ ...idle, waiting: rest }, dueAtS!, atS);
}

/** One transition. Throws on an event that cannot happen now (a step reported out of turn). */
export function recoveryReducer(s: RecoveryState, e: RecoveryEvent): { state: RecoveryState; actions: RecoveryAction[] } {
  const lastTime = s.current !== null ? Math.max(s.current.startedAtS, ...s.stepDoneAtS) : -Infinity;
  if (!(e.atS >= 0) || e.atS < lastTime) throw new Error(`recovery event at ${e.atS} s, after ${lastTime} s`);
  if (e.kind === 'due') {
    if (s.current !== null) return { state: { ...s, waiting: [...s.waiting, e.atS] }, actions: [] };
    return start(s, e.atS, e.atS);
  }
  if (e.kind === 'hostDown') {
    if (!(e.host >= 0 && e.host < s.hosts.length)) throw new Error(`host ${e.host} is not one of the ${s.hosts.length} hosts`);
    if (s.down.includes(e.host)) return { state: s, actions: [] };
    const down = { ...s, down: [...s.down, e.host] };
    if (s.current === null || s.current.host !== e.host) return { state: down, actions: [] };
    // The recovery on the crashed host is abandoned; the next one due starts on the next live host.
    return startWaiting({ ...down, current: null, stepDoneAtS: [], abandoned: [...s.abandoned, s.current], nextHost: (e.host + 1) % s.hosts.length }, e.atS);
  }
  const run = s.current;
  if (run === null) throw new Error(`step ${e.step} reported done on host ${e.host}, but no recovery is running`);
  if (e.step !== run.step || e.host !== run.host)
    throw new Error(`step ${e.step} reported done on host ${e.host}, but host ${run.host} is at ${run.step}`);
  const stepDoneAtS = [...s.stepDoneAtS, e.atS];
  const i = RECOVERY_STEPS.indexOf(run.step);
  if (i < RECOVERY_STEPS.length - 1) {
    const next = { ...run, step: RECOVERY_STEPS[i + 1]! };
    return { state: { ...s, current: next, stepDoneAtS }, actions: [actionFor(next, s.hosts[run.host]!)] };
  }
  const old = s.hosts[run.host]!;
  const roles: HostRoles = { active: old.shadow, shadow: run.newShadow };
  const hosts = s.hosts.map((h, k) => (k === run.host ? roles : h));
  const record: RecoveryRecord = {
    host: run.host,
    dueAtS: run.dueAtS,
    startedAtS: run.startedAtS,
    stepDoneAtS,
    discardedActive: old.active,
    newActive: old.shadow,
    newShadow: run.newShadow,
  };
  const idle: RecoveryState = {
    ...s,
    hosts,
    nextHost: (run.host + 1) % s.hosts.length,
    current: null,
    stepDoneAtS: [],
    records: [...s.records, record],
  };
  return startWaiting(idle, e.atS);
}

/** When each finished recovery replaced its host's active replica (step 5 done), for `faultBoundHeld`. */
export function recoveryReplacements(s: RecoveryState): Array<{ host: number; atS: number }> {
  return s.records.map((r) => ({ host: r.host, atS: r.stepDoneAtS[r.stepDoneAtS.length - 1]! }));
}
