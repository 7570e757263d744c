/**
 * What the hypervisor charges for shadow replicas: pausing and unpausing a VM, capturing and
 * applying a state update page by page, saving a VM's state, creating a VM from saved state, and
 * discarding one. These are host costs: they depend on the hypervisor and the hardware, not on
 * SPARE, so they come per host profile — `remus-2008` (Xen 3 on the 2008 testbed's 3.2 GHz
 * Pentium 4; `clark-2005` ran the same Xen generation and shares its figures) and `modern` (a
 * current KVM/microVM host).
 *
 * SPARE's own evaluation was not readable: none of these is a SPARE measurement. Each figure says
 * where it comes from; "estimate" marks a number of ours. docs/spare.md lists them all.
 */

/** Host profiles the shadow costs are given for. */
export const SHADOW_COST_PROFILES = ['clark-2005', 'remus-2008', 'modern'] as const;
export type ShadowCostProfile = (typeof SHADOW_COST_PROFILES)[number];

/** One host profile's shadow costs. Every field is in nanoseconds (of wall time and of CPU). */
export interface ShadowCosts {
  /** Pausing a running VM until its vCPU is stopped (domain 0 issues it). */
  readonly pauseNs: number;
  /** Unpausing a paused VM until the guest runs again. */
  readonly unpauseNs: number;
  /** The active replica's brief suspend-and-resume while an update's pages are captured (as a checkpoint's). */
  readonly suspendResumeNs: number;
  /** Mapping and copying one page out of a VM (into an update or a saved image; guest suspended). */
  readonly pageCopyNsPerPage: number;
  /** Copying one page of an accepted update into the woken shadow. */
  readonly applyNsPerPage: number;
  /** Digesting update content, per KiB (a SHA-class hash in domain 0). */
  readonly digestNsPerKiB: number;
  /** Saving a paused VM's state to an image (proactive recovery step 1). */
  readonly vmSaveNs: number;
  /** Creating a VM to receive saved state, until it exists (paused); its pages cost applyNsPerPage each. */
  readonly vmCreateNs: number;
  /** Destroying a VM and returning its memory. */
  readonly vmDestroyNs: number;
}

const MS = 1_000_000;
const US = 1_000;

/**
 * Xen 3 on the Remus testbed (a 3.2 GHz Pentium 4).
 * - pauseNs 1 ms: suspend signalled over an event channel, idle guest (xen-devel, July 2008:
 *   event channel 1 ms against xenstore's 84–92 ms). Xen's own `xl pause` is a scheduler flag
 *   with no published timing; the signalling figure is the Xen-era number that bounds it.
 * - unpauseNs 1 ms: estimate — the same event-channel round trip back; nothing published.
 * - suspendResumeNs 0.1 ms: Remus's optimised suspend-and-resume of an active VM (Remus, NSDI '08:
 *   ≈100 µs; 30–40 ms on stock Xen's path) — the same operation a state capture needs.
 * - pageCopyNsPerPage 3.7 µs: mapping a page into domain 0 and copying it while the guest is
 *   suspended, the slope of Remus's checkpoint pause by pages dirtied (fig. "checkpoint cost":
 *   (4.3 − 0.5) ms over 1023 pages).
 * - applyNsPerPage 3.7 µs: the same map-and-copy, in the other direction: estimate from the
 *   capture slope (no published figure for writing pages into a domain).
 * - digestNsPerKiB 5 µs: estimate — a SHA-class hash at ≈ 200 MB/s on a 2008 core.
 * - vmSaveNs 128 ms, vmCreateNs 550 ms: stock Xen save and restore of a VM (LightVM, SOSP '17).
 * - vmDestroyNs 10 ms: estimate — tearing down a domain and scrubbing nothing (its pages return to
 *   the free pool); an order below a save.
 */
export const XEN_2008_SHADOW_COSTS: ShadowCosts = {
  pauseNs: 1 * MS,
  unpauseNs: 1 * MS,
  suspendResumeNs: 100 * US,
  pageCopyNsPerPage: 3.7 * US,
  applyNsPerPage: 3.7 * US,
  digestNsPerKiB: 5 * US,
  vmSaveNs: 128 * MS,
  vmCreateNs: 550 * MS,
  vmDestroyNs: 10 * MS,
};

/**
 * A current host (microVMs, KVM/QEMU).
 * - pauseNs 0.6 ms: QEMU's `stop` until the vCPU is stopped, 0.4–0.8 ms (measured for vmft on
 *   QEMU 7.2 under TCG, 128 and 512 MiB guests, median of 10: an order of magnitude for the
 *   hypervisor's own work, not a KVM figure).
 * - unpauseNs 5 ms: a microVM resumed from a snapshot, p90 5 ms for 512 MiB (Firecracker's
 *   snapshot documentation; its target is < 8 ms) — resuming includes the unpause. QEMU's `cont`
 *   until the guest makes progress took ≈ 3 ms in the same measurement as `stop`.
 * - suspendResumeNs 1.5 ms: QEMU `stop` + `cont` until the vCPU runs (0.6 + 0.9 ms, the same
 *   measurement).
 * - pageCopyNsPerPage, applyNsPerPage 1 µs: estimate — a 4 KiB copy at memory bandwidth plus
 *   mapping, on a current core.
 * - digestNsPerKiB 1 µs: estimate — SHA-256 at ≈ 1 GB/s with hardware SHA extensions.
 * - vmSaveNs 30 ms, vmCreateNs 20 ms: LightVM's save and restore (SOSP '17).
 * - vmDestroyNs 1 ms: estimate.
 */
export const MODERN_SHADOW_COSTS: ShadowCosts = {
  pauseNs: 0.6 * MS,
  unpauseNs: 5 * MS,
  suspendResumeNs: 1.5 * MS,
  pageCopyNsPerPage: 1 * US,
  applyNsPerPage: 1 * US,
  digestNsPerKiB: 1 * US,
  vmSaveNs: 30 * MS,
  vmCreateNs: 20 * MS,
  vmDestroyNs: 1 * MS,
};

/** The shadow costs of a host profile (`clark-2005` takes the Xen-era figures of `remus-2008`). */
export function shadowCosts(profile: ShadowCostProfile): ShadowCosts {
  switch (profile) {
    case 'clark-2005':
    case 'remus-2008':
      return XEN_2008_SHADOW_COSTS;
    case 'modern':
      return MODERN_SHADOW_COSTS;
  }
}

/**
 * How long an active replica is suspended while an update of `pages` pages is captured: suspend,
 * copy each page out, resume (the same path as a Remus checkpoint's pause, minus the bitmap scan:
 * the update's own dirty log is read in O(dirty)). Domain 0 is busy for the same time.
 */
export function capturePauseNs(costs: ShadowCosts, pages: number): number {
  return costs.suspendResumeNs + costs.pageCopyNsPerPage * pages;
}

/** CPU (ns) to digest `bytes` bytes of update content. */
export function digestCpuNs(costs: ShadowCosts, bytes: number): number {
  return (costs.digestNsPerKiB * bytes) / 1024;
}
