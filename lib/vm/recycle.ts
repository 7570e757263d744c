/**
 * Page-state arrays recycled from one run to the next on the same thread.
 *
 * A run allocates its page state afresh — every page's version, the dirty logs' bitmaps and lists:
 * megabytes for a large guest. The first touch of fresh memory costs a page fault (several µs on a
 * virtual machine), which for a short run costs more than the run's own work; a sweep worker pays it
 * again on every point because freed arrays go back to the system. Inside `withRecycledArrays`
 * these arrays come from a free list filled by earlier scopes and go back to it when the scope
 * ends, zeroed when taken again — the same contents as a fresh array, so results cannot change.
 *
 * Only a scope whose arrays cannot outlive it may recycle: `runScenario` returns plain data (no
 * typed array reaches a RunResult). Outside a scope the functions allocate as `new` does.
 */

type Recyclable = Uint32Array | Int32Array;

/** At most this many bytes wait in the free lists (a notebook keeps no more than this after a run). */
const MAX_FREE_BYTES = 64 * 1024 * 1024;
/** Arrays smaller than this are cheap to allocate (the allocator reuses their memory itself). */
const MIN_BYTES = 64 * 1024;

const free = new Map<string, Recyclable[]>();
let freeBytes = 0;
let scope: Recyclable[] | null = null;

function take<T extends Recyclable>(kind: 'u32' | 'i32', length: number, make: (n: number) => T): T {
  if (scope === null || length * 4 < MIN_BYTES) return make(length);
  // Free lists by power-of-two capacity, so lengths that vary from run to run (a round's dirty
  // pages) still find an array; a shorter length gets a view of its first elements.
  const capacity = 2 ** Math.ceil(Math.log2(length));
  const base = free.get(`${kind}:${capacity}`)?.pop() as T | undefined;
  let out: T;
  if (base === undefined) {
    const fresh = make(capacity);
    scope.push(fresh);
    out = capacity === length ? fresh : (fresh.subarray(0, length) as T);
  } else {
    freeBytes -= base.byteLength;
    scope.push(base);
    out = capacity === length ? base : (base.subarray(0, length) as T);
    out.fill(0);
  }
  return out;
}

/** A zeroed Uint32Array of `length`, recycled inside `withRecycledArrays`. */
export function zeroedUint32(length: number): Uint32Array {
  return take('u32', length, (n) => new Uint32Array(n));
}

/** A zeroed Int32Array of `length`, recycled inside `withRecycledArrays`. */
export function zeroedInt32(length: number): Int32Array {
  return take('i32', length, (n) => new Int32Array(n));
}

/**
 * Run `fn` with recycling on: the arrays it takes come from earlier scopes and return to the free
 * lists when it ends (also when it throws). `fn` must not let them escape. Scopes do not nest: an
 * inner call runs inside the outer scope.
 */
export function withRecycledArrays<T>(fn: () => T): T {
  if (scope !== null) return fn();
  const mine: Recyclable[] = [];
  scope = mine;
  try {
    return fn();
  } finally {
    scope = null;
    for (const a of mine) {
      if (freeBytes + a.byteLength > MAX_FREE_BYTES) continue;
      const key = `${a instanceof Uint32Array ? 'u32' : 'i32'}:${a.length}`; // a power of two
      let list = free.get(key);
      if (list === undefined) free.set(key, (list = []));
      list.push(a);
      freeBytes += a.byteLength;
    }
  }
}
