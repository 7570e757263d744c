import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, afterAll } from 'vitest';
import { isInputError } from '../../lib/params/index.js';
import { loadSpec, SpecError, specHash, sweepSpecJsonSchema, validateSpec } from '../../lib/sweep/index.js';
import { ROOT, tempDir, removeTempDirs } from './helpers.js';

afterAll(removeTempDirs);

const good = { engine: 'remus', workload: 'kernel-compile', grid: { 'remus.checkpointsPerS': [10, 20] } };

function messageOf(spec: unknown): string {
  try {
    validateSpec(spec);
  } catch (e) {
    expect(isInputError(e)).toBe(true);
    return (e as Error).message;
  }
  throw new Error('spec was accepted');
}

describe('a sweep spec', () => {
  it('fills defaults: replicates 1, seed 1, no fixed params', () => {
    const s = validateSpec(good);
    expect(s).toMatchObject({ replicates: 1, seed: 1, params: {} });
  });

  // Each bad spec: the field it must name, and words of the problem and of what is allowed.
  const cases: [string, unknown, string[]][] = [
    ['not an object', 42, ['(spec)', 'got 42', 'allowed: an object with the fields', 'engine']],
    ['missing engine', { workload: 'idle' }, ['engine: missing', 'allowed: unprotected | migration | remus']],
    ['unknown engine', { ...good, engine: 'xen' }, ['engine: bad value, got "xen"', 'unprotected | migration | remus | active']],
    ['missing workload', { engine: 'remus' }, ['workload: missing', 'a workload name']],
    ['empty workload', { ...good, workload: '' }, ['workload: bad value, got ""']],
    ['params not an object', { ...good, params: [1] }, ['params: bad value', 'an object of dotted keys']],
    ['a null parameter', { ...good, params: { 'vm.memoryMiB': null } }, ['params.vm.memoryMiB: bad value, got null', 'a number, boolean or string']],
    ['a grid entry that is no list', { ...good, grid: { 'remus.epochMs': 25 } }, ['grid.remus.epochMs: bad value, got 25', 'a non-empty list']],
    ['an empty grid list', { ...good, grid: { 'remus.epochMs': [] } }, ['grid.remus.epochMs: empty list', 'a non-empty list']],
    ['an object in a grid list', { ...good, grid: { 'remus.epochMs': [25, { a: 1 }] } }, ['grid.remus.epochMs[1]: bad value', 'a number, boolean or string']],
    ['a duplicate grid value', { ...good, grid: { 'remus.epochMs': [25, 50, 25] } }, ['grid.remus.epochMs[2]: duplicate value 25']],
    ['a key both fixed and varied', { ...good, params: { 'remus.checkpointsPerS': 5 } }, ['grid.remus.checkpointsPerS: also set in params']],
    ['zero replicates', { ...good, replicates: 0 }, ['replicates: bad value, got 0', 'an integer ≥ 1']],
    ['fractional replicates', { ...good, replicates: 1.5 }, ['replicates: bad value, got 1.5']],
    ['replicates as a string', { ...good, replicates: '3' }, ['replicates: bad value, got "3"']],
    ['a negative seed', { ...good, seed: -1 }, ['seed: bad value, got -1', 'an integer 0 … 4294967295']],
    ['a seed beyond 32 bits', { ...good, seed: 2 ** 32 }, ['seed: bad value, got 4294967296']],
    ['a zero time limit', { ...good, timeLimitS: 0 }, ['timeLimitS: bad value, got 0', 'a number of seconds > 0']],
    ['a time limit as text', { ...good, timeLimitS: '10' }, ['timeLimitS: bad value, got "10"']],
    ['an empty name', { ...good, name: '' }, ['name: bad value, got ""', 'a non-empty string']],
    ['an unknown field', { ...good, grids: {} }, ['grids: unknown field', 'allowed: an object with the fields $schema, name, engine, workload, params, grid']],
  ];
  for (const [what, spec, words] of cases)
    it(`is refused for ${what}, naming the field and what is allowed`, () => {
      const msg = messageOf(spec);
      expect(msg).toContain('nothing was run');
      for (const w of words) expect(msg).toContain(w);
    });

  it('names every bad field at once, one per line', () => {
    let err: unknown;
    try {
      validateSpec({ engine: 'xen', replicates: 0, seed: 'one', extra: true, grid: { a: [1, 1] } });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SpecError);
    const e = err as SpecError;
    expect(e.issues.map((i) => i.field).sort()).toEqual(['engine', 'extra', 'grid.a[1]', 'replicates', 'seed', 'workload']);
    expect(e.message.split('\n')).toHaveLength(7);
  });

  it('from a file: a missing file and malformed JSON are input errors naming the file', () => {
    const dir = tempDir('spec');
    const missing = join(dir, 'nope.json');
    expect(() => loadSpec(missing)).toThrow(/nope\.json: cannot read the sweep spec \(ENOENT\)/);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{ "engine": ');
    expect(() => loadSpec(bad)).toThrow(/bad\.json: not valid JSON/);
    const wrong = join(dir, 'wrong.json');
    writeFileSync(wrong, JSON.stringify({ ...good, replicates: 0 }));
    expect(() => loadSpec(wrong)).toThrow(/bad sweep spec .*wrong\.json[\s\S]*replicates/);
  });

  it('hashes by content: key order and editor hints do not matter, any value does', () => {
    const a = validateSpec({ engine: 'remus', workload: 'idle', grid: { b: [1], a: [2] }, seed: 3 });
    const b = validateSpec({ $schema: './x.json', seed: 3, grid: { a: [2], b: [1] }, workload: 'idle', engine: 'remus' });
    expect(specHash(a)).toBe(specHash(b));
    expect(specHash(validateSpec({ ...a, seed: 4 }))).not.toBe(specHash(a));
  });

  it('is published as JSON Schema in schemas/sweep-spec.schema.json, which is not stale', () => {
    // Regenerate with: node scripts/sweep-schema.mjs (after npm run build)
    const path = join(ROOT, 'schemas/sweep-spec.schema.json');
    const want = JSON.stringify(sweepSpecJsonSchema(), null, 2) + '\n';
    if (process.env.UPDATE_SCHEMA === '1') writeFileSync(path, want);
    expect(existsSync(path), 'schemas/sweep-spec.schema.json is missing: run node scripts/sweep-schema.mjs').toBe(true);
    expect(readFileSync(path, 'utf8'), 'schemas/sweep-spec.schema.json is stale: run node scripts/sweep-schema.mjs').toBe(want);
  });
});
