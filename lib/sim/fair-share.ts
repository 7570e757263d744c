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
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => caps[a]! - caps[b]! || a - b);
  let remaining = capacity;
  let left = n;
  for (const i of order) {
    const fair = remaining / left;
    const give = Math.min(caps[i]!, fair);
    out[i] = give;
    remaining -= give;
    left--;
  }
}
