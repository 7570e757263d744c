import { describe, expect, it } from 'vitest';
import { isInputError } from '../../lib/params/index.js';
import { runScenario, validateRequest, type RunRequest } from '../../lib/scenario/index.js';
import { MAX_CHECKPOINTS, MAX_CONTENT_MIB, MAX_KVSTORE_CLIENTS, MAX_PAGE_WRITES, MAX_SAMPLE_WINDOWS } from '../../lib/scenario/limits.js';

/** The InputError a request is refused with (before anything runs). */
function refused(req: RunRequest): Error {
  try {
    validateRequest(req);
  } catch (e) {
    expect(isInputError(e), String(e)).toBe(true);
    // runScenario refuses it the same way, up front.
    expect(() => runScenario(req)).toThrow((e as Error).message);
    return e as Error;
  }
  throw new Error(`accepted: ${JSON.stringify(req)}`);
}

const fmt = (n: number): string => n.toLocaleString('en-US');

describe('values that would hang, exhaust memory or crash are refused with the limit and the reason', () => {
  it('run.sampleMs so small the dirty series would never end', () => {
    const e = refused({ engine: 'unprotected', workload: 'synthetic', params: { 'run.sampleMs': 1e-7 } });
    expect(e.message).toMatch(/^run\.sampleMs: /);
    expect(e.message).toContain(fmt(MAX_SAMPLE_WINDOWS));
    expect(e.message).toMatch(/series\.dirty/);
  });

  it('workload.dirtyPagesPerS = 1e12', () => {
    const e = refused({ engine: 'unprotected', workload: 'synthetic', params: { 'workload.dirtyPagesPerS': 1e12 } });
    expect(e.message).toMatch(/^workload\.dirtyPagesPerS: /);
    expect(e.message).toContain(fmt(MAX_PAGE_WRITES));
  });

  it('remus.primaries = 64 over the default run', () => {
    const e = refused({ engine: 'remus', workload: 'synthetic', params: { 'remus.primaries': 64 } });
    expect(e.message).toMatch(/^remus\.primaries: 64 primaries/);
    expect(e.message).toContain(fmt(MAX_CHECKPOINTS));
  });

  it('a day of 10 ms epochs', () => {
    const e = refused({ engine: 'remus', workload: 'synthetic', params: { 'run.durationS': 86400, 'remus.epochMs': 10 } });
    expect(e.message).toMatch(/^remus\.epochMs: .*8,640,000 checkpoints/);
  });

  it('100,000 kvstore clients', () => {
    const e = refused({ engine: 'unprotected', workload: 'kvstore', params: { 'workload.clients': 100000 } });
    expect(e.message).toMatch(/^workload\.clients: /);
    expect(e.message).toContain(fmt(MAX_KVSTORE_CLIENTS));
    expect(e.message).toMatch(/square/);
  });

  it('a 16 TiB disk', () => {
    const e = refused({ engine: 'unprotected', workload: 'synthetic', params: { 'vm.diskMiB': 16777216 } });
    expect(e.message).toMatch(/^vm\.diskMiB: .*the limit is 16,777,216/);
  });

  it('8 GiB of kvstore memory, and a kvstore disk over the typed-array length', () => {
    expect(refused({ engine: 'remus', workload: 'kvstore', params: { 'vm.memoryMiB': 8192, 'vm.diskMiB': 5000 } }).message).toMatch(
      new RegExp(`^vm\\.memoryMiB: .*limit of ${fmt(MAX_CONTENT_MIB)} MiB`),
    );
    expect(refused({ engine: 'remus', workload: 'kvstore', params: { 'vm.diskMiB': MAX_CONTENT_MIB + 1 } }).message).toMatch(/^vm\.diskMiB: /);
  });

  it('accepts the sizes of the committed experiments (a limit is not a new default)', () => {
    for (const req of [
      { engine: 'remus', workload: 'kernel-compile', params: { 'remus.checkpointsPerS': 40 } },
      { engine: 'remus', workload: 'spec-cint', params: {} }, // fixed work: its 86,400 s is only a bound
      { engine: 'migration', workload: 'synthetic', params: { 'workload.dirtyPagesPerS': 64000, 'run.durationS': 20 } },
      { engine: 'remus', workload: 'kvstore', params: { 'run.durationS': 30 } },
      { engine: 'migration', workload: 'specweb2005', params: {} },
    ] as RunRequest[])
      expect(() => validateRequest(req)).not.toThrow();
  });
});

describe('faults that never happen', () => {
  it('a fault the engine cannot apply is bad input (no second host without protection)', () => {
    for (const key of ['faults.backupCrashAtS', 'faults.linkDownAtS']) {
      const e = refused({ engine: 'unprotected', workload: 'synthetic', params: { 'run.durationS': 2, [key]: 1 } });
      expect(e.message.startsWith(`${key}: engine unprotected cannot apply`)).toBe(true);
    }
  });

  it('a fault after fixed work finished is reported as not injected', () => {
    const late = runScenario({ engine: 'unprotected', workload: 'postmark', params: { 'workload.transactions': 50, 'faults.primaryCrashAtS': 500 } });
    expect(late.metrics.completed).toBe(true);
    expect(late.metrics.completionTimeS).toBeLessThan(500);
    expect(late.metrics.faultsInjected).toBe(0);
    const early = runScenario({ engine: 'unprotected', workload: 'postmark', params: { 'workload.transactions': 50, 'faults.vmCrashAtS': 0.01 } });
    expect(early.metrics.faultsInjected).toBe(1);
    const none = runScenario({ engine: 'unprotected', workload: 'postmark', params: { 'workload.transactions': 50 } });
    expect(none.metrics.faultsInjected).toBeUndefined();
  });
});

describe('a migration cut off mid-round', () => {
  it('reports what it sent so far, not 0', () => {
    // 512 MiB at ≈ 1 Gbit/s takes ≈ 4.5 s per full round: the run ends during round 1.
    const r = runScenario({ engine: 'migration', workload: 'synthetic', params: { 'migration.policy': 'qemu', 'migration.startAtS': 1, 'run.durationS': 2 } });
    expect(r.metrics.migrationCompleted).toBe(false);
    const sent = r.metrics.sentMiB;
    expect(sent).toBeGreaterThan(50);
    expect(sent).toBeLessThan(512);
  });
});
