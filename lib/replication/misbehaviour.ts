import type { VM } from '../vm/index.js';

/** What a service provides so that its VMs can misbehave (the replicable-workload interface). */
export interface ServiceMisbehaviour {
  /** The colluding wrong reply for a correct reply body. */
  falsify(reply: unknown): unknown;
  /** Overwrite the guest's state with wrong bytes, through the guest's own writes to `vm.memory`. */
  corrupt(vm: VM): void;
}
