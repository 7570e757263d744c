import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { canonicalFaultLoad, faultLoadJsonSchema, validateFaultLoad } from '../../lib/compare/index.js';
import { inputErrorField } from '../params/input-error-field.js';

const fieldOf = (input: unknown): string | null => inputErrorField(() => validateFaultLoad(input, 'f.json'));

describe('validateFaultLoad(input)', () => {
  it('accepts faults and rates, defaults to no faults', () => {
    expect(validateFaultLoad({}).faults).toEqual([]);
    const l = validateFaultLoad({ faults: [{ kind: 'linkDown', atS: 1, forS: 2 }], rates: [{ kind: 'hostCrash', mttfH: 1000, repairH: 2 }] });
    expect(l.rates).toHaveLength(1);
  });

  it('names the bad field (exit 2)', () => {
    expect(fieldOf({ faults: [{ kind: 'meteor', atS: 1 }] })).toBe('f.json: faults[0].kind');
    expect(fieldOf({ faults: [{ kind: 'hostCrash', atS: -1 }] })).toBe('f.json: faults[0].atS');
    expect(fieldOf({ faults: [{ kind: 'hostCrash', atS: 1, forS: 2 }] })).toBe('f.json: faults[0].forS');
    expect(fieldOf({ faults: [{ kind: 'byzantine', atS: 1 }] })).toBe('f.json: faults[0].byzantineKind');
    expect(fieldOf({ faults: [{ kind: 'vmCrash', atS: 1, host: 1 }] })).toBe('f.json: faults[0].host');
    expect(fieldOf({ faults: [], extra: 1 })).toBe('f.json: extra');
    expect(fieldOf({ rates: [{ kind: 'hostCrash', mttfH: 0, repairH: 1 }] })).toBe('f.json: rates[0].mttfH');
    expect(fieldOf({ rates: [{ kind: 'vmCrash', mttfH: 1, repairH: 1 }, { kind: 'vmCrash', mttfH: 2, repairH: 1 }] })).toBe('f.json: rates[1].kind');
  });

  it('has a canonical JSON: key order and editor hints do not matter', () => {
    const a = validateFaultLoad({ $schema: 'x', faults: [{ atS: 1, kind: 'hostCrash' }] });
    const b = validateFaultLoad({ faults: [{ kind: 'hostCrash', atS: 1 }] });
    expect(canonicalFaultLoad(a)).toBe(canonicalFaultLoad(b));
  });

  it('is published as JSON Schema in schemas/fault-load.schema.json, which is not stale', () => {
    const path = 'schemas/fault-load.schema.json';
    const want = JSON.stringify(faultLoadJsonSchema(), null, 2) + '\n';
    if (process.env.UPDATE_SCHEMA === '1') writeFileSync(path, want);
    expect(existsSync(path), `${path} is missing: run UPDATE_SCHEMA=1 npx vitest run test/compare/fault-load.test.ts`).toBe(true);
    expect(readFileSync(path, 'utf8')).toBe(want);
  });
});
