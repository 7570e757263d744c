/**
 * Parameter specifications: every knob of a run is a dotted key with a type, a default, a range
 * and a one-line description (units are in the key's name, as the contract requires).
 */
export type ParamValue = number | boolean | string;

interface BaseSpec {
  /** Dotted key, e.g. `remus.epochMs`. */
  readonly key: string;
  /** One line for `vmft list params`; mention the source of a calibrated default. */
  readonly doc: string;
}

export interface NumberParamSpec extends BaseSpec {
  readonly kind: 'number';
  /** `undefined`: the parameter is off unless set (e.g. a fault time). */
  readonly default: number | undefined;
  readonly min?: number;
  readonly max?: number;
  /** Exclusive lower bound (e.g. a bandwidth must be > 0). */
  readonly positive?: boolean;
  readonly integer?: boolean;
}

export interface BooleanParamSpec extends BaseSpec {
  readonly kind: 'boolean';
  /** `undefined`: absent from the resolved parameters unless set (its doc says what unset means). */
  readonly default: boolean | undefined;
}

export interface EnumParamSpec extends BaseSpec {
  readonly kind: 'enum';
  readonly values: readonly string[];
  readonly default: string | undefined;
}

export interface StringParamSpec extends BaseSpec {
  readonly kind: 'string';
  readonly default: string | undefined;
}

export type ParamSpec = NumberParamSpec | BooleanParamSpec | EnumParamSpec | StringParamSpec;

export function numberParam(
  key: string,
  defaultValue: number | undefined,
  doc: string,
  range: { min?: number; max?: number; positive?: boolean; integer?: boolean } = {},
): NumberParamSpec {
  return { kind: 'number', key, default: defaultValue, doc, ...range };
}

export function booleanParam(key: string, defaultValue: boolean | undefined, doc: string): BooleanParamSpec {
  return { kind: 'boolean', key, default: defaultValue, doc };
}

export function enumParam(
  key: string,
  values: readonly string[],
  defaultValue: string | undefined,
  doc: string,
): EnumParamSpec {
  return { kind: 'enum', key, values, default: defaultValue, doc };
}

export function stringParam(key: string, defaultValue: string | undefined, doc: string): StringParamSpec {
  return { kind: 'string', key, default: defaultValue, doc };
}

/** What a spec allows, in words, for error messages and `vmft list params`. */
export function describeAllowed(spec: ParamSpec): string {
  switch (spec.kind) {
    case 'boolean':
      return 'true or false';
    case 'enum':
      return spec.values.join(' | ');
    case 'string':
      return 'a string';
    case 'number': {
      const what = spec.integer ? 'an integer' : 'a number';
      const lo = spec.min !== undefined ? `≥ ${spec.min}` : spec.positive ? '> 0' : undefined;
      const hi = spec.max !== undefined ? `≤ ${spec.max}` : undefined;
      return [what, lo, hi].filter((s) => s !== undefined).join(' ');
    }
  }
}
