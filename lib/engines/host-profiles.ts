import { InputError, enumParam, numberParam, type ParamSpec, type Params } from '../params/index.js';
import { LOG_DIRTY_TRAP_NS } from '../vm/index.js';
import { MODERN_SHADOW_COSTS, XEN_2008_SHADOW_COSTS } from '../replication/shadow/costs.js';
import { ARP_REDIRECT_NS, DOM0_CPU_NS_PER_BYTE, SOURCE_SUSPEND_NS, TARGET_STARTUP_NS } from './migration/costs.js';
import {
  BITMAP_SCAN_NS_PER_VM_PAGE,
  CHECKPOINT_COMMIT_NS,
  FAILOVER_RESTORE_NS,
  GZIP_NS_PER_PAGE,
  PAGE_COPY_NS,
  RECV_NS_PER_PAGE,
  SEND_NS_PER_PAGE,
  STOCK_SUSPEND_RESUME_NS,
  SUSPEND_RESUME_NS,
  XOR_RLE_NS_PER_PAGE,
} from './remus/costs.js';

/**
 * The host as data: what the hypervisor, its toolstack and domain 0 charge for each operation the
 * engines perform, in nanoseconds. One profile per testbed era; every cost is overridable by its
 * own `host.<name>` key (0 = free). An engine ignores the costs it never incurs.
 */
export interface HostCosts {
  /** Guest time lost to the first write to a clean page in log-dirty mode. */
  readonly logDirtyTrapNs: number;
  /** Domain-0 CPU per byte put on a migration or replication stream. */
  readonly sendNsPerByte: number;
  /** Backup domain-0 CPU per byte received into a replica's image. */
  readonly recvNsPerByte: number;
  /** Suspending the guest on the source at the start of a migration's stop phase. */
  readonly migrationSuspendNs: number;
  /** Building and starting the VM from received state: a migration target, a Remus failover. */
  readonly restoreNs: number;
  /** Network redirection after a migration (unsolicited ARP). */
  readonly redirectNs: number;
  /** Suspend + resume around a checkpoint on the fast (event-channel) path. */
  readonly suspendResumeNs: number;
  /** Suspend + resume around a checkpoint on the stock toolstack path (`remus.optimisedSuspend=false`). */
  readonly stockSuspendResumeNs: number;
  /** Walking the log-dirty bitmap and page tables per checkpoint, per page of VM memory. */
  readonly bitmapScanNsPerVmPage: number;
  /** Mapping a dirty page and copying it to a staging buffer while the guest is suspended. */
  readonly pageCopyNsPerPage: number;
  /** Fixed part of a checkpoint's commit at the backup before it acknowledges. */
  readonly checkpointCommitNs: number;
  /** XOR + run-length encoding of one page against its cached copy. */
  readonly xorRleNsPerPage: number;
  /** gzip of one page. */
  readonly gzipNsPerPage: number;
  /** Pausing a running VM (no guest involvement): a SPARE shadow after an update. */
  readonly pauseNs: number;
  /** Unpausing a paused VM: a SPARE shadow woken for an update or activated. */
  readonly unpauseNs: number;
  /** Copying one page of a verified state update into a woken shadow. */
  readonly applyNsPerPage: number;
  /** Creating a VM from saved state, until it exists paused (a new SPARE shadow; its written pages cost applyNsPerPage each). */
  readonly vmCreateNs: number;
}

export type HostCostName = keyof HostCosts;

/** One cost of one profile: its value and where it comes from (a paper row, a source, or "estimate"). */
export interface SourcedCost {
  readonly value: number;
  readonly source: string;
}

export interface HostProfile {
  readonly name: HostProfileName;
  readonly description: string;
  readonly costs: { readonly [K in HostCostName]: SourcedCost };
}

export const HOST_PROFILE_NAMES = ['clark-2005', 'remus-2008', 'modern'] as const;
export type HostProfileName = (typeof HOST_PROFILE_NAMES)[number];

/** Each cost: its unit in words and what it is, for `vmft list params` and the docs. */
export const HOST_COST_INFO: ReadonlyArray<{ readonly name: HostCostName; readonly unit: string; readonly what: string }> = [
  { name: 'logDirtyTrapNs', unit: 'ns per trap', what: 'log-dirty trap: guest time lost to the first write to a clean page' },
  { name: 'sendNsPerByte', unit: 'ns per byte', what: 'domain-0 CPU per byte put on a migration or replication stream' },
  { name: 'recvNsPerByte', unit: 'ns per byte', what: 'backup domain-0 CPU per byte received into a replica (binds when primaries share a backup)' },
  { name: 'migrationSuspendNs', unit: 'ns', what: 'migration stop phase: suspending the guest on the source' },
  { name: 'restoreNs', unit: 'ns', what: 'building and starting the VM from received state (migration target, Remus failover)' },
  { name: 'redirectNs', unit: 'ns', what: 'migration stop phase: network redirection (unsolicited ARP)' },
  { name: 'suspendResumeNs', unit: 'ns', what: 'checkpoint suspend + resume, fast (event-channel) path' },
  { name: 'stockSuspendResumeNs', unit: 'ns', what: 'checkpoint suspend + resume, stock toolstack path (remus.optimisedSuspend=false)' },
  { name: 'bitmapScanNsPerVmPage', unit: 'ns per VM page', what: 'per checkpoint: walking the dirty bitmap and page tables' },
  { name: 'pageCopyNsPerPage', unit: 'ns per page', what: 'per checkpoint: mapping a dirty page and copying it to the staging buffer (guest suspended)' },
  { name: 'checkpointCommitNs', unit: 'ns', what: 'per checkpoint: the backup processes its tail and commits before acknowledging' },
  { name: 'xorRleNsPerPage', unit: 'ns per page', what: 'checkpoint compression: XOR with the cached copy + run-length encoding' },
  { name: 'gzipNsPerPage', unit: 'ns per page', what: 'checkpoint compression: gzip fallback of the hybrid' },
  { name: 'pauseNs', unit: 'ns', what: 'pausing a running VM (a SPARE shadow, after each update)' },
  { name: 'unpauseNs', unit: 'ns', what: 'unpausing a paused VM (a SPARE shadow woken for an update, or activated)' },
  { name: 'applyNsPerPage', unit: 'ns per page', what: 'copying one page of a verified state update into a woken shadow' },
  { name: 'vmCreateNs', unit: 'ns', what: 'creating a VM from saved state (a new SPARE shadow; its written pages cost applyNsPerPage each)' },
];

export const HOST_COST_NAMES: readonly HostCostName[] = HOST_COST_INFO.map((c) => c.name);

const PAGE = 4096;
const est = (why: string): string => `estimate: ${why}`;

/**
 * The three profiles. `clark-2005`: Clark et al.'s testbed (Xen 2/3, dual 2 GHz Xeon, GbE);
 * `remus-2008`: Cully et al.'s (Xen 3.1 with the Remus patches, one hyperthreaded 3.2 GHz
 * Pentium 4, GbE); `modern`: a current x86 server under KVM/QEMU or Xen 4.x (EPT with page
 * modification logging, multi-gigabit NICs, a domain 0 / QEMU migration thread on a core of
 * today). Where no measurement exists the value says "estimate" and why.
 */
export const HOST_PROFILES: Readonly<Record<HostProfileName, HostProfile>> = {
  'clark-2005': {
    name: 'clark-2005',
    description: 'Clark et al., NSDI ’05: Xen on dual 2 GHz Xeons, gigabit Ethernet (rows C1, C2, fig. 8)',
    costs: {
      logDirtyTrapNs: { value: LOG_DIRTY_TRAP_NS, source: est('a shadow-page-table fault on 2005–2008 hardware, ≈ 1–3 µs (Clark §3.3 gives no figure)') },
      sendNsPerByte: { value: DOM0_CPU_NS_PER_BYTE, source: 'Clark fig. 8: Apache 870 → 765 Mbit/s while migrated at 100 Mibit/s on the guest’s core ⇒ 9 ns/byte (map, copy, send)' },
      recvNsPerByte: { value: DOM0_CPU_NS_PER_BYTE / 5, source: est('a fifth of the send path (a copy plus TCP receive), as for remus-2008') },
      migrationSuspendNs: { value: SOURCE_SUSPEND_NS, source: 'C1: 20 ms last-round copy − its 148 KiB and the CPU state at 100 Mibit/s = 7.8125 ms' },
      restoreNs: { value: TARGET_STARTUP_NS, source: 'C1: 40 ms start-up on the target (Clark §6.3)' },
      redirectNs: { value: ARP_REDIRECT_NS, source: 'one LAN frame (unsolicited ARP, Clark §3.3): the LAN’s 0.1 ms one-way latency' },
      suspendResumeNs: { value: STOCK_SUSPEND_RESUME_NS, source: 'C7: stock Xen suspend/resume 30–40 ms (no event-channel path before Remus)' },
      stockSuspendResumeNs: { value: STOCK_SUSPEND_RESUME_NS, source: 'C7: stock Xen suspend/resume 30–40 ms' },
      bitmapScanNsPerVmPage: { value: BITMAP_SCAN_NS_PER_VM_PAGE, source: est('remus-2008’s C3 intercept (same Xen save loop)') },
      pageCopyNsPerPage: { value: PAGE_COPY_NS, source: est('remus-2008’s C3 pause slope (same map-and-copy path)') },
      checkpointCommitNs: { value: CHECKPOINT_COMMIT_NS, source: est('remus-2008’s C3 transmit intercept') },
      xorRleNsPerPage: { value: XOR_RLE_NS_PER_PAGE, source: est('as remus-2008') },
      gzipNsPerPage: { value: GZIP_NS_PER_PAGE, source: est('as remus-2008') },
      pauseNs: { value: XEN_2008_SHADOW_COSTS.pauseNs, source: 'as remus-2008 (the same Xen generation): Xen suspend signalled over an event channel, idle guest, 1 ms (xen-devel, July 2008)' },
      unpauseNs: { value: XEN_2008_SHADOW_COSTS.unpauseNs, source: est('as remus-2008: the same event-channel round trip back, 1 ms') },
      applyNsPerPage: { value: XEN_2008_SHADOW_COSTS.applyNsPerPage, source: est('as remus-2008: C3’s map-and-copy slope, 3.7 µs, in the other direction') },
      vmCreateNs: { value: XEN_2008_SHADOW_COSTS.vmCreateNs, source: 'as remus-2008: stock Xen restore of a VM, 550 ms (LightVM, SOSP ’17)' },
    },
  },
  'remus-2008': {
    name: 'remus-2008',
    description: 'Cully et al., NSDI ’08: Xen 3.1 + Remus on one hyperthreaded 3.2 GHz Pentium 4 shared with domain 0, gigabit Ethernet (rows C3, C4, C7, C9)',
    costs: {
      logDirtyTrapNs: { value: LOG_DIRTY_TRAP_NS, source: est('a shadow-page-table fault on 2005–2008 hardware, ≈ 1–3 µs; checked against C4') },
      sendNsPerByte: { value: SEND_NS_PER_PAGE / PAGE, source: 'C3 transmit slope: ≈ 56 µs per 4 KiB page (13.67 ns/byte)' },
      recvNsPerByte: { value: RECV_NS_PER_PAGE / PAGE, source: est('a fifth of the send path: 10 µs per page') },
      migrationSuspendNs: { value: SOURCE_SUSPEND_NS, source: est('Clark’s C1-derived 7.8125 ms (the same Xen save path; Remus reports only the checkpoint path)') },
      restoreNs: { value: FAILOVER_RESTORE_NS, source: est('C1’s 40 ms start-up (the same Xen restore path; Remus gives no figure)') },
      redirectNs: { value: ARP_REDIRECT_NS, source: 'one LAN frame (unsolicited ARP): the LAN’s 0.1 ms one-way latency' },
      suspendResumeNs: { value: SUSPEND_RESUME_NS, source: 'C7: ≈ 100 µs with Remus’s event-channel suspend' },
      stockSuspendResumeNs: { value: STOCK_SUSPEND_RESUME_NS, source: 'C7: stock Xen suspend/resume 30–40 ms' },
      bitmapScanNsPerVmPage: { value: BITMAP_SCAN_NS_PER_VM_PAGE, source: 'C3 intercept: 0.5 ms at one dirty page on 512 MiB = 0.1 ms + 131,072 pages × 3 ns' },
      pageCopyNsPerPage: { value: PAGE_COPY_NS, source: 'C3 pause slope: (4.3 − 0.5) ms / 1023 pages ≈ 3.7 µs' },
      checkpointCommitNs: { value: CHECKPOINT_COMMIT_NS, source: 'C3 transmit intercept (fitted: ≈ 2 ms)' },
      xorRleNsPerPage: { value: XOR_RLE_NS_PER_PAGE, source: est('XOR + RLE of 4 KiB on the P4 (C6 reports ratios only)') },
      gzipNsPerPage: { value: GZIP_NS_PER_PAGE, source: est('gzip of 4 KiB on the P4 (C6 reports ratios only)') },
      pauseNs: { value: XEN_2008_SHADOW_COSTS.pauseNs, source: 'Xen suspend signalled over an event channel, idle guest: 1 ms (xen-devel, July 2008; xenstore took 84–92 ms); `xl pause` itself has no published timing' },
      unpauseNs: { value: XEN_2008_SHADOW_COSTS.unpauseNs, source: est('the same event-channel round trip back, 1 ms') },
      applyNsPerPage: { value: XEN_2008_SHADOW_COSTS.applyNsPerPage, source: est('C3’s map-and-copy slope, 3.7 µs, in the other direction (no figure for writing pages into a domain)') },
      vmCreateNs: { value: XEN_2008_SHADOW_COSTS.vmCreateNs, source: 'stock Xen restore of a VM: 550 ms (LightVM, SOSP ’17)' },
    },
  },
  modern: {
    name: 'modern',
    description: 'a current x86 server under KVM/QEMU or Xen 4.x: EPT with page-modification logging, a migration thread on a core of today, 10–100 GbE',
    costs: {
      logDirtyTrapNs: { value: 50, source: est('Intel PML logs dirty pages in hardware, one VM exit per 512 (≈ 2 µs ÷ 512) plus harvesting the log') },
      sendNsPerByte: { value: 0.5, source: est('≈ 2 GB/s per core for one TCP migration stream (QEMU added multifd because one stream cannot fill 25–100 GbE)') },
      recvNsPerByte: { value: 0.25, source: est('half of the send path') },
      migrationSuspendNs: { value: 1_000_000, source: est('stopping vCPUs and devices; with restoreNs, OPNFV KVM4NFV measured 5–7 ms downtime for an idle 8 GiB KVM guest after deferring clean-up (26 ms before)') },
      restoreNs: { value: 5_000_000, source: est('loading device state and starting the vCPUs on the target; see migrationSuspendNs (OPNFV KVM4NFV: 5–7 ms downtime)') },
      redirectNs: { value: ARP_REDIRECT_NS, source: 'one LAN frame (QEMU announce-self / unsolicited ARP): 0.1 ms one-way latency' },
      suspendResumeNs: { value: 30_000, source: est('C7’s event-channel 100 µs on a core ≈ 3× faster') },
      stockSuspendResumeNs: { value: 2_000_000, source: est('migrationSuspendNs twice: a stop and a start through the toolstack') },
      bitmapScanNsPerVmPage: { value: 0.25, source: est('KVM_GET_DIRTY_LOG hands over a bitmap: a 64-bit word covers 64 pages') },
      pageCopyNsPerPage: { value: 500, source: est('4 KiB memcpy at ≈ 10 GB/s plus bookkeeping; guest memory is mapped already') },
      checkpointCommitNs: { value: 200_000, source: est('C3’s 2 ms on a core ≈ 10× faster') },
      xorRleNsPerPage: { value: 1_000, source: est('XOR + RLE of 4 KiB at ≈ 4 GB/s') },
      gzipNsPerPage: { value: 15_000, source: est('zlib of 4 KiB at ≈ 270 MB/s') },
      pauseNs: { value: MODERN_SHADOW_COSTS.pauseNs, source: 'QEMU `stop` until the vCPU is stopped: 0.4–0.8 ms, measured for vmft (QEMU 7.2 under TCG, 128/512 MiB, median of 10; an order of magnitude, not a KVM figure)' },
      unpauseNs: { value: MODERN_SHADOW_COSTS.unpauseNs, source: 'a microVM resumed from a snapshot: p90 5 ms for 512 MiB (Firecracker snapshot documentation; target < 8 ms)' },
      applyNsPerPage: { value: MODERN_SHADOW_COSTS.applyNsPerPage, source: est('a 4 KiB copy at memory bandwidth plus mapping, 1 µs') },
      vmCreateNs: { value: MODERN_SHADOW_COSTS.vmCreateNs, source: 'LightVM restore of a VM from saved state: 20 ms (SOSP ’17)' },
    },
  },
};

const KEY = (name: HostCostName): string => `host.${name}`;

/** `host.profile` and one key per cost (common keys: every engine accepts every one). */
export const HOST_PARAMS: readonly ParamSpec[] = [
  enumParam('host.profile', HOST_PROFILE_NAMES, undefined, 'host costs of a testbed era (docs/host-profiles.md); unset: the engine’s (migration: clark-2005, remus and replicated engines: remus-2008)'),
  ...HOST_COST_INFO.map((c) =>
    numberParam(
      KEY(c.name),
      undefined,
      `${c.what}, ${c.unit}; unset: from host.profile (${HOST_PROFILE_NAMES.map((p) => `${p} ${HOST_PROFILES[p].costs[c.name].value}`).join(', ')}); 0 = free`,
      { min: 0 },
    ),
  ),
];

/** The named profile's costs (throws on an unknown name, naming the key). */
export function hostProfile(name: string): HostProfile {
  const p = Object.hasOwn(HOST_PROFILES, name) ? (HOST_PROFILES as Record<string, HostProfile>)[name] : undefined;
  if (p === undefined) throw new InputError('host.profile', `unknown profile ${JSON.stringify(name)}`, HOST_PROFILE_NAMES.join(' | '));
  return p;
}

/**
 * The costs a run's hosts charge: `host.profile` (or the engine's default profile when unset),
 * each cost replaced by its own `host.<name>` key where set.
 */
export function hostCosts(params: Params, engineDefault: HostProfileName): HostCosts {
  const profile = hostProfile(params.optStr('host.profile') ?? engineDefault);
  const out = {} as Record<HostCostName, number>;
  for (const name of HOST_COST_NAMES) out[name] = params.optNum(KEY(name)) ?? profile.costs[name].value;
  return out;
}

/** Every cost of a profile as plain numbers. */
export function profileCosts(name: HostProfileName): HostCosts {
  const out = {} as Record<HostCostName, number>;
  for (const c of HOST_COST_NAMES) out[c] = HOST_PROFILES[name].costs[c].value;
  return out;
}
