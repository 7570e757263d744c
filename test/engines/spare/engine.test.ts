import { describe, expect, it } from 'vitest';
import { spareEngine } from '../../../lib/engines/spare/engine.js';
import { resolveRunParams } from '../../../lib/scenario/index.js';

const params = (f: number) => resolveRunParams('spare', 'kvstore', { 'spare.f': f, 'vm.memoryMiB': 4 });

describe('spare engine definition', () => {
  it('lays out f + 1 hosts named A, B, … and the reference replica’s host; f + 1 active and f + 1 paused replicas; a fault budget of f', () => {
    for (const f of [1, 2, 10]) {
      const p = params(f);
      const layout = spareEngine.layout!(p);
      const names = Array.from({ length: f + 1 }, (_, i) => 'ABCDEFGHIJK'[i]!);
      expect(layout.hosts).toEqual([...names, 'REF']);
      // Actives on hosts 0 … f, shadows on the same hosts, the reference on host f + 1.
      expect(layout.guests.map((g) => g.host)).toEqual([...names.keys(), ...names.keys(), f + 1]);
      expect(spareEngine.replicas!(p)).toEqual({ active: f + 1, passive: f + 1 });
      expect(spareEngine.faultBudget!(p)).toBe(f);
    }
  });

  it('takes vm.netBufferMiB = 0 (the default it sets) and refuses any other value', () => {
    expect(resolveRunParams('spare', 'kvstore', { 'vm.netBufferMiB': 0 }).num('vm.netBufferMiB')).toBe(0);
    expect(params(1).num('vm.netBufferMiB')).toBe(0);
    expect(() => resolveRunParams('spare', 'kvstore', { 'vm.netBufferMiB': 1 })).toThrow(/network buffers/);
  });
});
