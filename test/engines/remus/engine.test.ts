import { describe, expect, it } from 'vitest';
import { remusEngine, remusLayout } from '../../../lib/engines/remus/engine.js';
import { InputError } from '../../../lib/params/index.js';
import { resolveRunParams } from '../../../lib/scenario/index.js';

describe('remusLayout(primaries)', () => {
  it('remusLayout(1): the primary on host A, the backup B last', () => {
    expect(remusLayout(1)).toEqual({ hosts: ['A', 'B'], guests: [{ host: 0, service: 0 }] });
  });

  it('remusLayout(3): primaries A0 … A2, each its own service, then the one backup B', () => {
    expect(remusLayout(3)).toEqual({
      hosts: ['A0', 'A1', 'A2', 'B'],
      guests: [
        { host: 0, service: 0 },
        { host: 1, service: 1 },
        { host: 2, service: 2 },
      ],
    });
  });
});

describe('remusEngine', () => {
  const derived = remusEngine.derivedDefaults!;

  it('derivedDefaults({remus.checkpointsPerS: 40}) sets the epoch that runs: 25 ms', () => {
    expect(derived({ 'remus.checkpointsPerS': 40 })).toEqual({ 'remus.epochMs': 25 });
    expect(derived({ 'remus.checkpointsPerS': '8' })).toEqual({ 'remus.epochMs': 125 });
  });

  it('derivedDefaults({}) sets nothing; a rate that is no positive number is left to the parameter check', () => {
    expect(derived({})).toEqual({});
    expect(derived({ 'remus.epochMs': 50 })).toEqual({});
    expect(derived({ 'remus.checkpointsPerS': 0 })).toEqual({});
    expect(derived({ 'remus.checkpointsPerS': 'fast' })).toEqual({});
  });

  it('derivedDefaults refuses remus.checkpointsPerS together with remus.epochMs, naming the key', () => {
    expect(() => derived({ 'remus.checkpointsPerS': 40, 'remus.epochMs': 25 })).toThrow(InputError);
    expect(() => derived({ 'remus.checkpointsPerS': 40, 'remus.epochMs': 25 })).toThrow(/remus\.checkpointsPerS.*remus\.epochMs/s);
  });

  it('a VM image per primary exists on the backup from the start; one active and one passive replica', () => {
    const p = resolveRunParams('remus', 'kvstore', { 'remus.primaries': 3 });
    expect(remusEngine.extraVms!(p)).toEqual([{ fromS: 0 }, { fromS: 0 }, { fromS: 0 }]);
    expect(remusEngine.replicas!(p)).toEqual({ active: 1, passive: 1 });
    expect(remusEngine.layout!(p).hosts).toEqual(['A0', 'A1', 'A2', 'B']);
  });
});
