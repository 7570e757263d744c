/**
 * Named costs of a live migration, each with its unit and the source it comes from.
 * Rates: Xen's "Mbit" is 2^20 bits (ratewrite's RATE_TO_BTU = 781250 µs·Mbit per 100 KiB burst
 * budget gives mbit × 2^20 / 8 bytes/s); link speeds are decimal (10^6 bit/s), as NICs are sold.
 */

/** Bits in one of Xen's rate-limit "Mbit" (xc_domain_save.c, ratewrite). */
export const BITS_PER_MIBIT = 1 << 20;

/**
 * Bits in the unit of Xen's measured dirty rate: print_stats computes
 * dirty_count × PAGE_SIZE / (wall_delta_ms × 1000/8), i.e. decimal Mbit/s, and compares it with the
 * rate limit in 2^20-bit units as if they were the same (xc_domain_save.c, print_stats, ADAPTIVE_SAVE).
 */
export const BITS_PER_XEN_DIRTY_MBIT = 1_000_000;

/** Pages per batch: Xen maps, copies and sends at most this many pages at a time (MAX_BATCH_SIZE). */
export const BATCH_PAGES = 1024;

/**
 * Bytes of CPU state sent in the stop phase after the last pages: the vCPU context
 * (vcpu_guest_context, ≈ 5 KiB on x86-32), the shared-info page and the list of unmapped pfns —
 * rounded to two pages (xc_domain_save.c, the tail after "All memory is saved").
 */
export const CPU_STATE_BYTES = 8192;

/** C1's final round (Clark et al. §6.3, fig. 10): 148 KiB, copied in 20 ms at the 100 Mibit/s rate. */
export const C1_LAST_ROUND_BYTES = 148 * 1024;
export const C1_COPY_NS = 20_000_000;
const C1_RATE_BYTES_PER_NS = (100 * BITS_PER_MIBIT) / 8 / 1e9;

/**
 * Suspending the domain on the source (the guest's suspend handshake through xenstore, then the
 * final log-dirty CLEAN), ns. Derived from C1: the 20 ms "copy" of the last round minus the time
 * its 148 KiB and the CPU state take at 100 Mibit/s (11.56 + 0.63 ms) ⇒ 7.8125 ms.
 */
export const SOURCE_SUSPEND_NS = Math.round(C1_COPY_NS - (C1_LAST_ROUND_BYTES + CPU_STATE_BYTES) / C1_RATE_BYTES_PER_NS);

/**
 * Start-up on the target, ns: building the domain from the received state, reconnecting its
 * virtual devices and unpausing it. C1: "40 ms start-up" (Clark et al. §6.3).
 */
export const TARGET_STARTUP_NS = 40_000_000;

/**
 * Network redirection, ns: the target broadcasts an unsolicited ARP reply and the switch learns
 * the VM's new port — one LAN frame, about the LAN's one-way latency (0.1 ms, `link.latencyMs`'s
 * default). Clark et al. §3.3 ("generate an unsolicited ARP reply").
 */
export const ARP_REDIRECT_NS = 100_000;

/**
 * Domain-0 CPU time to map, copy and send one byte of guest state, ns (37 µs per 4 KiB page:
 * mapping foreign pages, canonicalising page tables, copying into the socket, TCP and the bridge).
 * Fitted to Clark fig. 8: Apache's 870 Mbit/s drop to 765 while migrated at 100 Mibit/s
 * (13.1 MB/s) on the guest's core means domain 0 took 1 − 765/870 = 12 % of it ⇒ 9 ns per byte.
 * (The one-cycle-per-bit rule of thumb for TCP alone gives 4 ns on a 2 GHz Xeon.) One core then
 * pushes at most ≈ 111 MB/s: a 2005 domain 0 cannot quite fill a gigabit link.
 */
export const DOM0_CPU_NS_PER_BYTE = 9;

/** QEMU's auto-converge defaults (migration parameters cpu-throttle-initial, -increment,
 * max-cpu-throttle, throttle-trigger-threshold): throttle 20 %, +10 % per round, at most 99 %,
 * while the bytes dirtied in a round exceed 50 % of the bytes sent in it. */
export const AUTO_CONVERGE_INITIAL = 0.2;
export const AUTO_CONVERGE_INCREMENT = 0.1;
export const AUTO_CONVERGE_MAX = 0.99;
export const AUTO_CONVERGE_TRIGGER = 0.5;
