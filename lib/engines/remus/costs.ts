/**
 * Remus's cost model — the `remus-2008` host profile's values (lib/engines/host-profiles.ts, where
 * each is a `host.*` key): every constant is named, carries its unit and the row it was fitted to
 * (docs/design.md#calibration: C3 checkpoint cost by pages dirtied, C7 suspend/resume, C9 the testbed: a 3.2 GHz
 * Pentium 4 whose one hyperthreaded core domain 0 shares with the guest). docs/remus.md shows
 * published against simulated values.
 *
 * Pause (the guest is suspended):
 *   pause(n) = SUSPEND_RESUME_NS + BITMAP_SCAN_NS_PER_VM_PAGE × vmPages + PAGE_COPY_NS × n
 * Transmit (the guest runs again; resume → acknowledgement):
 *   the staged bytes flow over the replication link at min(link goodput share,
 *   domain-0 CPU share × PAGE_BYTES / SEND_NS_PER_PAGE, backup CPU share × …), then the backup
 *   spends CHECKPOINT_COMMIT_NS on the checkpoint's tail and acknowledges (one link latency back).
 */

/**
 * Suspend + resume of the guest on Remus's optimised path: ≈100 µs (C7; stock Xen's
 * xm save/restore path took 30–40 ms — Remus §3.1 replaced the xenstore round trips by an event
 * channel notification).
 */
export const SUSPEND_RESUME_NS = 100_000;

/**
 * Stock Xen suspend/resume (C7's 30–40 ms), for `remus.optimisedSuspend=false`.
 */
export const STOCK_SUSPEND_RESUME_NS = 35_000_000;

/**
 * Per checkpoint, Xen's save loop walks the whole log-dirty bitmap and p2m table
 * (xc_domain_save: `for (N = 0; N < p2m_size; N++)`; the CLEAN shadow op copies the full bitmap):
 * cost ∝ VM size, not dirty pages. Fitted to C3's intercept: 0.5 ms at one dirty page on a
 * 512 MiB VM = C7's 0.1 ms + 131,072 pages × 3 ns.
 */
export const BITMAP_SCAN_NS_PER_VM_PAGE = 3;

/**
 * Mapping one dirty page into domain 0 (xc_map_foreign_batch) and copying it to the staging
 * buffer while the guest is suspended. C3's pause slope: (4.3 − 0.5) ms / 1023 pages ≈ 3.7 µs.
 */
export const PAGE_COPY_NS = 3_700;

/**
 * Domain-0 CPU to send one 4 KiB page from the staging buffer over TCP (copy into socket buffers,
 * checksums, netback on Xen 3): C3's transmit slope, ≈ 56 µs/page = 73 MB/s with a whole core —
 * well under the gigabit link's 118 MB/s goodput, so on the testbed the sender's CPU, not the wire,
 * set the pace. On a shared core (C9) a busy guest halves it and loses what domain 0 takes (C4).
 */
export const SEND_NS_PER_PAGE = 56_000;

/**
 * Backup domain-0 CPU to receive one page into the in-memory image (estimate: a copy plus TCP
 * receive, ≈ a fifth of the send path). Only binds when several primaries share one backup.
 */
export const RECV_NS_PER_PAGE = 10_000;

/**
 * Fixed part of a checkpoint's transmit: the stream's tail (VCPU context, shared-info page, disk
 * barrier) is processed by the backup's restore loop before it acknowledges. Fitted to C3: the
 * four published points (0.5 / 14 / 35 / 57 ms) are not collinear — a line through them needs an
 * intercept of ≈ 2 ms for every point to stay within tolerance (the 1-page point is then ≈ 1.7 ms
 * above the published 0.5 ms).
 */
export const CHECKPOINT_COMMIT_NS = 2_000_000;

/**
 * Bytes of a checkpoint besides its pages: VCPU context (~3 KiB on x86-32 PV), the shared-info
 * page, the batch headers (Xen sends a pfn list per batch of ≤ 1024 pages).
 */
export const CHECKPOINT_HEADER_BYTES = 8192;

/** Per forwarded disk write: the block plus a small header (sector, length, epoch). */
export const DISK_WRITE_HEADER_BYTES = 64;

/**
 * Resuming the protected VM on the backup from its in-memory image: building the domain and
 * announcing it (unsolicited ARP). Borrowed from C1's 40 ms start-up on the migration target —
 * the same Xen restore path; Remus reports no separate figure.
 */
export const FAILOVER_RESTORE_NS = 40_000_000;

/** CPU cost of compressing one page in domain 0 (estimates for the P4; C6 reports ratios only). */
export const XOR_RLE_NS_PER_PAGE = 4_000;
export const GZIP_NS_PER_PAGE = 60_000;
