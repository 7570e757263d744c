import { booleanParam, enumParam, numberParam, type ParamSpec } from '../../params/index.js';
import { POLICY_NAMES } from './policy.js';

const PER_POLICY = 'default: set by the policy';

/** The migration engine's keys (docs/design.md#parameter-keys). Unset rule keys take the policy preset's value. */
export const MIGRATION_PARAMS: readonly ParamSpec[] = [
  enumParam('migration.policy', POLICY_NAMES, 'xen-classic', 'pre-copy policy preset (vmft list policies)'),
  numberParam('migration.startAtS', 10, 'when the migration starts, s into the run', { min: 0 }),
  booleanParam('migration.sharedNic', true, 'send over the client-facing NIC the workload uses (Clark’s single-gigabit testbed); false: the host-to-host link'),
  numberParam('migration.maxRounds', undefined, `the most rounds in all, the final stop-and-copy included (Xen: 30; ${PER_POLICY})`, { min: 1, integer: true }),
  numberParam('migration.minRateMbps', undefined, `adaptive rate limit: starting rate, Mibit/s (Xen 3: 100; ${PER_POLICY})`, { positive: true }),
  numberParam('migration.maxRateMbps', undefined, `adaptive rate limit: cap, Mibit/s (Xen 3: 500; ${PER_POLICY})`, { positive: true }),
  numberParam('migration.rateIncrementMbps', undefined, `adaptive rate limit: next rate = dirty rate + this, Mibit/s (Xen 3: 50; ${PER_POLICY})`, { min: 0 }),
  numberParam('migration.maxFactor', undefined, `stop pre-copy once more than this × memory was sent (Xen: 3; ${PER_POLICY})`, { positive: true }),
  numberParam('migration.minDirtyPages', undefined, `stop pre-copy below this many pages per round (Xen: 50; ${PER_POLICY})`, { min: 0, integer: true }),
  numberParam('migration.downtimeLimitMs', undefined, `switch over when pending data ≤ bandwidth × this (QEMU: 300, SimGrid: 30; ${PER_POLICY})`, { min: 0 }),
  numberParam('migration.maxBandwidthMiBps', undefined, `fixed cap on the migration stream, MiB/s (QEMU: 128; ${PER_POLICY})`, { positive: true }),
  booleanParam('migration.autoConverge', false, 'throttle the vCPU 20 % + 10 % per round (≤ 99 %) while dirtying exceeds 50 % of the transfer (QEMU auto-converge)'),
  numberParam('migration.stableRounds', undefined, `stop when the dirty count is stable over this many rounds (textbook: 3; ${PER_POLICY})`, { min: 2, integer: true }),
  numberParam('migration.stableTolerancePct', undefined, `tolerance of the stable-count rule, % (textbook: 10; ${PER_POLICY})`, { min: 0 }),
  booleanParam('migration.disk', false, 'pre-copy a local disk’s blocks too (default: shared storage)'),
];
