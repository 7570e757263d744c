/**
 * The order a round sends its pages in. Xen 3's save loop scans pfns through `permute()` — a
 * rotation of the pfn's bits by 10, cycle-walked into [0, n) — "so that we scan pages in a pseudo
 * random order, enabling us to get a better estimate of the domain's page dirtying rate as we go"
 * (xc_domain_save.c). A batch of 1024 consecutive scan positions therefore touches pages 1024
 * apart all over memory. QEMU and SimGrid walk the dirty bitmap in address order.
 */
export type SendOrder = 'xen' | 'address';

/** Xen's order_nr: the bit length of n − 1. */
export function orderBits(n: number): number {
  let o = 0;
  for (let i = n - 1; i > 0; i = Math.floor(i / 2)) o++;
  return o;
}

/** Xen's permute(i): scan position → pfn (identity below 1024 pages, where Xen's shift is undefined). */
export function permute(i: number, n: number, order: number): number {
  if (order <= 10) return i;
  const hi = order - 10;
  const low = (1 << hi) - 1;
  do i = (i & low) * 1024 + (i >>> hi);
  while (i >= n);
  return i;
}

/** The inverse of permute: pfn → scan position. */
export function unpermute(p: number, n: number, order: number): number {
  if (order <= 10) return p;
  const hi = order - 10;
  do p = (p >>> 10) + (p & 1023) * (1 << hi);
  while (p >= n);
  return p;
}

/** Every page of an n-page memory in send order (round 1, stop-and-copy). */
export function allPages(n: number, order: SendOrder): Int32Array {
  const out = new Int32Array(n);
  if (order === 'address' || n <= 1024) {
    for (let i = 0; i < n; i++) out[i] = i;
    return out;
  }
  const bits = orderBits(n);
  for (let i = 0; i < n; i++) out[i] = permute(i, n, bits);
  return out;
}

/**
 * A sorted dirty list put in send order, in place: O(d log d) in the dirty pages d, never O(n) —
 * Xen scans the whole bitmap, but what a round costs in vmft follows the pages it sends.
 */
export function inSendOrder(sorted: Int32Array, n: number, order: SendOrder): Int32Array {
  if (order === 'address' || n <= 1024) return sorted;
  const bits = orderBits(n);
  for (let k = 0; k < sorted.length; k++) sorted[k] = unpermute(sorted[k]!, n, bits);
  sorted.sort();
  for (let k = 0; k < sorted.length; k++) sorted[k] = permute(sorted[k]!, n, bits);
  return sorted;
}
