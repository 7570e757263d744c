import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { HOST_COST_NAMES, HOST_PARAMS, HOST_PROFILE_NAMES, HOST_PROFILES, hostCosts, hostProfile, profileCosts } from '../../lib/engines/host-profiles.js';
import { CPU_STATE_BYTES } from '../../lib/engines/migration/index.js';
import { InputError } from '../../lib/params/index.js';
import { resolveRunParams, runScenario } from '../../lib/scenario/index.js';

/** Every host cost set to 0. */
const FREE = Object.fromEntries(HOST_COST_NAMES.map((c) => [`host.${c}`, 0]));

describe('host profiles', () => {
  it('every profile defines every cost with a source, and "estimate" marks the ones no measurement gives', () => {
    for (const name of HOST_PROFILE_NAMES) {
      const p = HOST_PROFILES[name];
      expect(Object.keys(p.costs).sort()).toEqual([...HOST_COST_NAMES].sort());
      for (const c of HOST_COST_NAMES) {
        expect(Number.isFinite(p.costs[c].value) && p.costs[c].value >= 0, `${name}.${c}`).toBe(true);
        expect(p.costs[c].source.length, `${name}.${c} has a source`).toBeGreaterThan(10);
      }
    }
  });

  it('host.profile and every host.* cost key are common keys: every engine accepts every one', () => {
    const keys = HOST_PARAMS.map((s) => s.key);
    expect(keys).toEqual(['host.profile', ...HOST_COST_NAMES.map((c) => `host.${c}`)]);
    for (const engine of ['unprotected', 'migration', 'remus'])
      expect(() => resolveRunParams(engine, 'synthetic', { 'host.profile': 'modern', ...FREE })).not.toThrow();
  });

  it('the default follows the engine; host.profile replaces it; a host.* key overrides one cost', () => {
    const mig = resolveRunParams('migration', 'synthetic', {});
    const rem = resolveRunParams('remus', 'synthetic', {});
    expect(hostCosts(mig, 'clark-2005')).toEqual(profileCosts('clark-2005'));
    expect(hostCosts(rem, 'remus-2008')).toEqual(profileCosts('remus-2008'));
    const set = resolveRunParams('migration', 'synthetic', { 'host.profile': 'modern', 'host.restoreNs': 0 });
    expect(hostCosts(set, 'clark-2005')).toEqual({ ...profileCosts('modern'), restoreNs: 0 });
    // Unset keys stay out of the run's parameters: existing results and point ids are unchanged.
    expect(Object.keys(mig.values).filter((k) => k.startsWith('host.'))).toEqual(['host.sharedCpu']);
  });

  it('bad input names the key and the allowed values', () => {
    expect(() => resolveRunParams('migration', 'synthetic', { 'host.profile': 'xen-2030' })).toThrow(InputError);
    expect(() => resolveRunParams('migration', 'synthetic', { 'host.profile': 'xen-2030' })).toThrow(/clark-2005 \| remus-2008 \| modern/);
    expect(() => resolveRunParams('remus', 'synthetic', { 'host.restoreNs': -1 })).toThrow(/host\.restoreNs/);
  });

  it('hostProfile refuses a name that is not a profile, inherited property names included', () => {
    expect(hostProfile('modern').name).toBe('modern');
    for (const bad of ['xen-2030', 'toString', '__proto__', 'constructor'])
      expect(() => hostProfile(bad), bad).toThrow(/host\.profile.*unknown profile/);
  });

  it('docs/host-profiles.md lists every cost key with each profile’s value', () => {
    const doc = readFileSync(new URL('../../docs/host-profiles.md', import.meta.url), 'utf8');
    for (const c of HOST_COST_NAMES) {
      const row = doc.split('\n').find((l) => l.startsWith(`| \`host.${c}\``));
      expect(row, `a row for host.${c}`).toBeDefined();
      for (const p of HOST_PROFILE_NAMES) expect(row).toContain(String(HOST_PROFILES[p].costs[c].value));
    }
  });
});

describe('with every host cost 0, pre-copy is the geometric series', () => {
  // 64 MiB = 16,384 pages over a path of exactly 32,000 pages/s (1048.576 Mbit/s at efficiency 1);
  // the guest writes 16,000 pages/s sequentially over all of memory: q = 1/2. Textbook policy,
  // 6 rounds in all (5 live + the stop-and-copy), domain 0 on a core of its own.
  const M = 16_384;
  const PAGE = 4096;
  const B = 32_000 * PAGE; // bytes/s
  const q = 0.5;
  const R = 6;
  const params = {
    ...FREE,
    'migration.policy': 'textbook',
    'migration.maxRounds': R,
    'migration.startAtS': 1,
    'vm.memoryMiB': 64,
    'run.durationS': 5,
    'host.sharedCpu': false,
    'link.efficiency': 1,
    // The host-to-host link with no propagation delay: time is bytes ÷ bandwidth alone.
    'migration.sharedNic': false,
    'link.bandwidthMbps': 1048.576,
    'link.latencyMs': 0,
    'workload.dirtyPagesPerS': 16_000,
    'workload.workingSetMiB': 64,
    'workload.locality': 'sequential',
    'workload.cpuBound': true,
  };

  it('round k sends M·q^(k−1) pages in exactly that ÷ bandwidth; sent = M(1−q^R)/(1−q); time = sent ÷ bandwidth', () => {
    const r = runScenario({ engine: 'migration', workload: 'synthetic', params, seed: 1 });
    const rounds = r.series.rounds!;
    expect(rounds.length).toBe(R);
    rounds.forEach((round, k) => {
      expect(round.pages).toBe(M * q ** k);
      // The last round also carries the CPU state (8 KiB) — bytes, not a host cost.
      const bytes = M * q ** k * PAGE + (k === R - 1 ? CPU_STATE_BYTES : 0);
      expect(round.durationMs).toBeCloseTo((bytes / B) * 1e3, 5);
    });
    const sentPages = (M * (1 - q ** R)) / (1 - q);
    expect(r.metrics.sentMiB).toBe((sentPages * PAGE) / 1048576);
    // A lib/net flow per 1024-page batch ends on a whole ns: within 1 ns per batch.
    expect(r.metrics.totalTimeS).toBeCloseTo((sentPages * PAGE + CPU_STATE_BYTES) / B, 6);
    // Free suspend, restore and redirect: the downtime is the last round's bytes on the wire.
    expect(r.metrics.downtimeMs).toBeCloseTo((((M * q ** (R - 1)) * PAGE + CPU_STATE_BYTES) / B) * 1e3, 5);
    expect(r.invariants.memoryConsistent).toBe(true);
  });

  it('with the default (clark-2005) costs the same run is not the series: the costs are really charged', () => {
    const withCosts = Object.fromEntries(Object.entries(params).filter(([k]) => !(k in FREE)));
    const r = runScenario({ engine: 'migration', workload: 'synthetic', params: withCosts, seed: 1 });
    expect(r.metrics.downtimeMs).toBeGreaterThan(40); // 7.8 ms suspend + 40 ms start-up
    expect(r.series.rounds![1]!.pages).not.toBe(M * q);
  });
});

describe('under modern, the fixed stop costs are today’s', () => {
  it('a quake3 migration’s downtime falls below the default (clark-2005) profile’s', () => {
    const run = (extra: Record<string, string>) =>
      runScenario({ engine: 'migration', workload: 'quake3', params: { 'run.durationS': 20, ...extra }, seed: 1 }).metrics as Record<string, number>;
    const dflt = run({});
    const modern = run({ 'host.profile': 'modern' });
    const m = profileCosts('modern');
    const c = profileCosts('clark-2005');
    expect(m.migrationSuspendNs + m.restoreNs + m.redirectNs).toBeLessThan(c.migrationSuspendNs + c.restoreNs + c.redirectNs);
    expect(dflt.downtimeMs).toBeGreaterThan((c.migrationSuspendNs + c.restoreNs) / 1e6);
    expect(modern.downtimeMs).toBeLessThan(dflt.downtimeMs! / 2);
    expect(modern.downtimeMs).toBeGreaterThanOrEqual((m.migrationSuspendNs + m.restoreNs + m.redirectNs) / 1e6);
  });
});
