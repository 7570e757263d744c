import { describe, expect, it } from 'vitest';
import { ResourceLedger } from '../../../lib/replication/shadow/index.js';

describe('ResourceLedger', () => {
  it('sums CPU by use and by host', () => {
    const l = new ResourceLedger();
    l.cpu(0, 2e9, 'apply');
    l.cpu(1, 1e9, 'apply');
    l.cpu(1, 5e8, 'pause');
    expect(l.cpuSeconds).toBe(3.5);
    expect(l.cpuSecondsFor('apply')).toBe(3);
    expect(l.cpuSecondsFor('restore')).toBe(0);
    expect(l.cpuSecondsOn(1)).toBe(1.5);
  });

  it('counts memory × lifetime for every VM up, paused or not, and stops at vmDown', () => {
    const l = new ResourceLedger();
    const gib = 1024 ** 3;
    l.vmUp('a', gib, 0);
    l.vmUp('b', gib / 2, 1e9);
    expect(l.memoryGiBSeconds(3e9)).toBeCloseTo(3 + 1, 12);
    l.vmDown('a', 4e9);
    expect(l.liveVms).toBe(1);
    expect(l.memoryGiBSeconds(6e9)).toBeCloseTo(4 + 2.5, 12);
  });

  it('refuses inconsistent lifetimes and charges', () => {
    const l = new ResourceLedger();
    l.vmUp('a', 10, 5);
    expect(() => l.vmUp('a', 10, 6)).toThrow(/already up/);
    expect(() => l.vmDown('b', 6)).toThrow(/not up/);
    expect(() => l.vmDown('a', 4)).toThrow(/before it came up/);
    expect(() => l.cpu(0, -1, 'pause')).toThrow(/bad CPU charge/);
    expect(() => l.cpu(0, Number.NaN, 'pause')).toThrow(/bad CPU charge/);
  });
});
