import type { Params } from '../lib/params/index.js';
import type { ReferenceMachine, ServiceMisbehaviour } from '../lib/replication/index.js';

/**
 * What a guest reports of the requests it executes, in its execution order (the `noWrongReply`
 * audit: lib/replication's ReplyAudit). A guest rolled back to a checkpoint rolls the log back too.
 */
export interface ExecutionLog {
  /** `request` was executed next — at `position` of the total order when it came through replica managers. */
  executed(request: unknown, position?: number): void;
  /** The guest was restored to a state that had executed the first `length` requests. */
  rollback(length: number): void;
  /** Requests executed so far. */
  readonly length: number;
}

/** What a client population reports of the replies it accepts (the `noWrongReply` audit). */
export interface AcceptLog {
  accept(request: unknown, reply: unknown): void;
}

/**
 * A workload whose guest is a deterministic state machine, so that replicas of it stay identical
 * when they execute the same requests in the same order — the kvstore. Engines that replicate a
 * service (`active`) accept only such workloads.
 */
export interface Replicable {
  /**
   * A fresh, fault-free copy of the service as loaded at t = 0, outside any VM: the reference the
   * run's accepted replies are checked against. `replicated`: write versions come from the order.
   */
  reference(params: Params, replicated: boolean): ReferenceMachine;
  /** How the service's VMs misbehave under a Byzantine fault (the wrong-reply rule, state corruption). */
  misbehaviour(params: Params, replicated: boolean): ServiceMisbehaviour;
}
