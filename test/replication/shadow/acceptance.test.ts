import { describe, expect, it } from 'vitest';
import { decideUpdate, payloadSource } from '../../../lib/replication/shadow/index.js';

describe('decideUpdate', () => {
  it('accepts f + 1 identical digests with no suspicion', () => {
    const d = decideUpdate(['a', 'a'], 1);
    expect(d).toEqual({ accepted: true, digest: 'a', agreeing: [0, 1], dissenting: [], missing: [], suspicious: false });
  });

  it('does not accept f identical digests', () => {
    expect(decideUpdate(['a', null], 1).accepted).toBe(false);
    expect(decideUpdate(['a', 'a', null], 2).accepted).toBe(false);
    expect(decideUpdate(['a', 'b', 'a'], 2).accepted).toBe(false);
  });

  it('with activated shadows, a majority of f + 1 wins and the dissenter is named', () => {
    const d = decideUpdate(['a', 'b', 'a'], 1);
    expect(d.accepted).toBe(true);
    expect(d.digest).toBe('a');
    expect(d.agreeing).toEqual([0, 2]);
    expect(d.dissenting).toEqual([1]);
    expect(d.suspicious).toBe(true);
  });

  it('a missing digest is a suspicion even when the rest agree', () => {
    const d = decideUpdate(['a', 'a', null], 1);
    expect(d.accepted).toBe(true);
    expect(d.missing).toEqual([2]);
    expect(d.suspicious).toBe(true);
  });

  it('two values that both reach f + 1 accept nothing (more than f faulty)', () => {
    const d = decideUpdate(['a', 'a', 'b', 'b'], 1);
    expect(d.accepted).toBe(false);
    expect(d.digest).toBeNull();
    expect(d.dissenting).toEqual([0, 1, 2, 3]);
    expect(d.suspicious).toBe(true);
  });

  it('f = 0 accepts a single digest', () => {
    expect(decideUpdate(['x'], 0).accepted).toBe(true);
  });

  it('refuses a bad f', () => {
    expect(() => decideUpdate(['a'], -1)).toThrow(/f=-1/);
    expect(() => decideUpdate(['a'], 1.5)).toThrow(/f=1.5/);
  });
});

describe('payloadSource', () => {
  it('uses the local replica when it agreed, else the lowest agreeing one', () => {
    const d = decideUpdate(['a', 'b', 'a'], 1);
    expect(payloadSource(d, 2)).toBe(2);
    expect(payloadSource(d, 1)).toBe(0);
    expect(payloadSource(decideUpdate(['a', 'b'], 1), 0)).toBeNull();
  });
});
