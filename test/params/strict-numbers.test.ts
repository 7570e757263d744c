import { describe, expect, it } from 'vitest';
import { collectSet } from '../../lib/cli/commands/run.js';
import { coerceParam, isInputError, numberParam } from '../../lib/params/index.js';
import { runScenario } from '../../lib/scenario/index.js';

const spec = numberParam('run.durationS', 60, 'run length', { positive: true, max: 86400 });

function refusal(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    expect(isInputError(e), String(e)).toBe(true);
    return e as Error;
  }
  throw new Error('accepted');
}

describe('numbers are plain decimal literals', () => {
  for (const bad of ['0x10', ' 5', '5 ', '1_000', 'NaN', 'Infinity', '-Infinity', '1e999', '', '.5', '5.', '+5', '1e', '5e+', '0b11', '1,5'])
    it(`refuses ${JSON.stringify(bad)}, naming the key`, () => {
      expect(refusal(() => coerceParam(spec, bad)).message).toMatch(/^run\.durationS: /);
    });

  for (const [good, n] of [['5', 5], ['-0.25', -0.25], ['1e3', 1000], ['2.5E-1', 0.25], ['0', 0], ['007', 7]] as const)
    it(`reads ${JSON.stringify(good)} as ${n}`, () => {
      const lax = numberParam('x.y', 0, 'any number');
      expect(coerceParam(lax, good)).toBe(n);
    });

  it('refuses the same in a sweep spec or a request (strings are coerced the same way)', () => {
    expect(refusal(() => runScenario({ engine: 'unprotected', workload: 'idle', params: { 'run.durationS': '0x10' } })).message).toMatch(/run\.durationS/);
  });
});

describe('--set', () => {
  it('refuses a key set twice, naming it', () => {
    const once = collectSet('remus.epochMs=50', {});
    expect(refusal(() => collectSet('remus.epochMs=40', once)).message).toMatch(/^remus\.epochMs: set twice/);
  });

  it('keeps the value as written (spaces are not trimmed into a number)', () => {
    expect(collectSet('run.durationS= 5', {})).toEqual({ 'run.durationS': ' 5' });
  });
});
