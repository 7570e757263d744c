/**
 * Max-min fair allocation of a capacity among consumers with individual caps (progressive
 * filling): every consumer gets an equal share, a consumer capped below that share gets its cap,
 * and what it leaves is shared among the rest. Used for link bandwidth between flows and for a
 * host CPU shared between a guest and domain 0.
 *
 * `caps[i]` is consumer i's maximum (Infinity for none); the result is written to `out[i]`.
 * Cost O(n log n) in the number of consumers.
 */
export function maxMinShare(capacity: number, caps: ArrayLike<number>, out: number[] | Float64Array): void {
  const n = caps.length;
  if (n === 0) return;
  // The order: by cap, ties by index. Few consumers (the usual case: a guest and domain 0, a few
  // flows) are sorted by insertion into a reused buffer — no allocation, and the same order a sort
  // by (cap, index) gives, so the same shares to the last bit.
  let order: Int32Array;
  if (n <= SMALL) {
    order = scratch;
    for (let i = 0; i < n; i++) {
      const c = caps[i]!;
      let j = i;
      while (j > 0 && caps[order[j - 1]!]! > c) {
        order[j] = order[j - 1]!;
        j--;
      }
      order[j] = i;
    }
  } else order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => caps[a]! - caps[b]! || a - b);
  let remaining = capacity;
  let left = n;
  for (let k = 0; k < n; k++) {
    const i = order[k]!;
    const fair = remaining / left;
    const give = Math.min(caps[i]!, fair);
    out[i] = give;
    remaining -= give;
    left--;
  }
}

/** Up to this many consumers are ordered by insertion in `scratch`. */
const SMALL = 32;
const scratch = new Int32Array(SMALL);
