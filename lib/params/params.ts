import { InputError } from './input-error.js';
import { describeAllowed, type ParamSpec, type ParamValue } from './spec.js';

/** User-supplied settings: from `--set k=v` (strings) or from a spec/notebook (typed values). */
export type ParamInput = Readonly<Record<string, ParamValue>>;

/**
 * A resolved, validated set of parameters: every applicable key with its value (defaults filled in;
 * keys whose default is `undefined` and that were not set are absent). Immutable.
 */
export class Params {
  readonly values: Readonly<Record<string, ParamValue>>;

  constructor(values: Record<string, ParamValue>) {
    this.values = Object.freeze({ ...values });
  }

  has(key: string): boolean {
    return this.values[key] !== undefined;
  }

  num(key: string): number {
    const v = this.values[key];
    if (typeof v !== 'number') throw new Error(`parameter ${key} is not a number (got ${String(v)})`);
    return v;
  }

  optNum(key: string): number | undefined {
    const v = this.values[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'number') throw new Error(`parameter ${key} is not a number (got ${String(v)})`);
    return v;
  }

  bool(key: string): boolean {
    const v = this.values[key];
    if (typeof v !== 'boolean') throw new Error(`parameter ${key} is not a boolean (got ${String(v)})`);
    return v;
  }

  optBool(key: string): boolean | undefined {
    const v = this.values[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'boolean') throw new Error(`parameter ${key} is not a boolean (got ${String(v)})`);
    return v;
  }

  str(key: string): string {
    const v = this.values[key];
    if (typeof v !== 'string') throw new Error(`parameter ${key} is not a string (got ${String(v)})`);
    return v;
  }

  optStr(key: string): string | undefined {
    const v = this.values[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'string') throw new Error(`parameter ${key} is not a string (got ${String(v)})`);
    return v;
  }

  /** A copy with some values replaced (already validated values only: used internally). */
  with(overrides: Record<string, ParamValue | undefined>): Params {
    const next: Record<string, ParamValue> = { ...this.values };
    for (const [k, v] of Object.entries(overrides)) {
      if (v === undefined) delete next[k];
      else next[k] = v;
    }
    return new Params(next);
  }

  /** Sorted plain object: the canonical form used in results and point ids. */
  toJSON(): Record<string, ParamValue> {
    const out: Record<string, ParamValue> = {};
    for (const k of Object.keys(this.values).sort()) out[k] = this.values[k]!;
    return out;
  }
}

/**
 * A number written as text: a plain decimal literal, nothing around it — no hex, no separators,
 * no spaces, no NaN or Infinity (and one too large for a double is refused as not finite).
 */
export const NUMBER_LITERAL = /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/;

/** Convert and check one value against its spec. Strings are parsed (they come from `--set`). */
export function coerceParam(spec: ParamSpec, raw: ParamValue): ParamValue {
  const bad = (problem: string): never => {
    throw new InputError(spec.key, problem, describeAllowed(spec));
  };
  switch (spec.kind) {
    case 'boolean': {
      if (typeof raw === 'boolean') return raw;
      if (raw === 'true' || raw === '1') return true;
      if (raw === 'false' || raw === '0') return false;
      return bad(`${JSON.stringify(raw)} is not a boolean`);
    }
    case 'enum': {
      const s = String(raw);
      if (!spec.values.includes(s)) bad(`unknown value ${JSON.stringify(raw)}`);
      return s;
    }
    case 'string':
      return String(raw);
    case 'number': {
      let n: number;
      if (typeof raw === 'number') n = raw;
      else if (typeof raw === 'string' && NUMBER_LITERAL.test(raw)) n = Number(raw);
      else return bad(`${JSON.stringify(raw)} is not a number (a plain decimal literal such as 5, -0.25 or 1e6)`);
      if (!Number.isFinite(n)) bad(`${n} is not finite`);
      if (spec.integer && !Number.isInteger(n)) bad(`${n} is not an integer`);
      if (spec.min !== undefined && n < spec.min) bad(`${n} is out of range`);
      if (spec.max !== undefined && n > spec.max) bad(`${n} is out of range`);
      if (spec.positive && !(n > 0)) bad(`${n} is out of range`);
      return n;
    }
  }
}

/**
 * Resolve user input against the applicable specs. `defaults` overrides spec defaults (a workload
 * preset sets its VM size and run length this way). Unknown keys are bad input, listing the keys
 * that are known for this run.
 */
export function resolveParams(
  specs: readonly ParamSpec[],
  input: ParamInput,
  defaults: Readonly<Record<string, ParamValue | undefined>> = {},
  context = 'this run',
): Params {
  const byKey = new Map(specs.map((s) => [s.key, s]));
  for (const key of Object.keys(input)) {
    if (!byKey.has(key)) {
      const prefix = key.split('.')[0] + '.';
      const near = specs.filter((s) => s.key.startsWith(prefix)).map((s) => s.key);
      throw new InputError(
        key,
        `unknown parameter for ${context}`,
        (near.length > 0 ? near : specs.map((s) => s.key)).join(', '),
      );
    }
  }
  const values: Record<string, ParamValue> = {};
  for (const spec of specs) {
    const raw = input[spec.key] ?? (spec.key in defaults ? defaults[spec.key] : spec.default);
    if (raw === undefined) continue;
    values[spec.key] = coerceParam(spec, raw);
  }
  return new Params(values);
}
