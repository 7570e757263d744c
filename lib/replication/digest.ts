/**
 * A digest of any reply body an engine relays without knowing the workload: a structural hash of
 * numbers, strings, booleans, null/undefined, byte arrays (every byte), arrays and plain objects
 * (keys sorted). Equal bodies give equal digests; any difference in a field or a byte changes the
 * digest (up to collisions of two independent 32-bit FNV-1a hashes).
 */
export function digestOf(value: unknown): string {
  const h = new Fnv2();
  feed(h, value);
  return h.hex();
}

class Fnv2 {
  a = 0x811c9dc5;
  b = 0x01000193 ^ 0x5bd1e995;
  byte(x: number): void {
    this.a = Math.imul(this.a ^ (x & 0xff), 0x01000193) >>> 0;
    this.b = Math.imul(this.b ^ (x & 0xff), 0x01000197) >>> 0;
  }
  text(s: string): void {
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      this.byte(c);
      this.byte(c >>> 8);
    }
    this.byte(0xfe);
  }
  hex(): string {
    return this.a.toString(16).padStart(8, '0') + this.b.toString(16).padStart(8, '0');
  }
}

function feed(h: Fnv2, v: unknown): void {
  if (v === undefined) return h.text('u');
  if (v === null) return h.text('n');
  switch (typeof v) {
    case 'number':
      return h.text(`#${v}`);
    case 'string':
      return h.text(`s${v}`);
    case 'boolean':
      return h.text(v ? 'T' : 'F');
    case 'object':
      break;
    default:
      throw new Error(`cannot digest a ${typeof v}`);
  }
  if (v instanceof Uint8Array) {
    h.text(`b${v.length}`);
    for (let i = 0; i < v.length; i++) h.byte(v[i]!);
    return;
  }
  if (Array.isArray(v)) {
    h.text(`a${v.length}`);
    for (const x of v) feed(h, x);
    return;
  }
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o).filter((k) => o[k] !== undefined).sort();
  h.text(`o${keys.length}`);
  for (const k of keys) {
    h.text(k);
    feed(h, o[k]);
  }
}

/**
 * What a replica's guest receives in a replicated service: the client's request and its position
 * in the total order (1, 2, …), from which a replicated state machine takes its write versions.
 */
export interface OrderedRequest {
  readonly position: number;
  readonly request: unknown;
}

/** Whether a request body came through the replica managers (`OrderedRequest`). */
export function isOrderedRequest(body: unknown): body is OrderedRequest {
  return typeof body === 'object' && body !== null && typeof (body as OrderedRequest).position === 'number' && 'request' in body;
}
