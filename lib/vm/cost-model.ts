/**
 * Named constants of the vCPU cost model. Each carries its unit in the name and its source.
 * Engine-specific costs (page copy, suspend/resume, start-up) live with their engine.
 */

/**
 * Guest time lost to one log-dirty trap: the first write to a clean (read-only in the shadow page
 * table) page faults into Xen, which marks it dirty and makes it writable. Order of magnitude of a
 * shadow-page-table fault on the papers' 2005–2008 hardware (≈ 1–3 µs; Clark §3.3 notes the
 * overhead without a figure). Remus's kernel-build overhead (C4) is the row it is checked against.
 */
export const LOG_DIRTY_TRAP_NS = 2_000;

/**
 * CPU demand (cores) of an idle guest between requests: timer ticks and kernel housekeeping.
 * A small figure: an idle Linux guest uses well under 1 % of a core.
 */
export const IDLE_GUEST_DEMAND_CORES = 0.01;
