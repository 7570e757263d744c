import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runScenario } from '../../../lib/scenario/index.js';
import { Nic } from '../../../lib/vm/index.js';
import { OutputCommitCheck } from '../../../lib/engines/remus/output-commit.js';
import { remusPair, remusRun } from './harness.js';

/*
 * outputCommitted: no packet leaves a protected primary before the backup committed the
 * checkpoint of the epoch that produced it. Checked from provenance on every run — with or
 * without a failover — so unsafe mode, or a buffer that lets output out early, shows at once.
 */

const GUESTS = ['idle', 'synthetic', 'kvstore', 'apache-static', 'specweb2005', 'quake3', 'postmark'] as const;

/** Count what the guests' NICs send during `f` (all NICs of the run). */
function countingSends<T>(f: () => T): { value: T; sent: number } {
  const spy = vi.spyOn(Nic.prototype, 'send');
  try {
    const value = f();
    return { value, sent: spy.mock.calls.length };
  } finally {
    spy.mockRestore();
  }
}

afterEach(() => vi.restoreAllMocks());

describe('remus: outputCommitted on every run', () => {
  it('is false in every unsafe run whose guest sent a packet, true in every safe run (any guest, epoch, seed)', () => {
    let unsafeWithOutput = 0;
    let safeWithOutput = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(...GUESTS),
        fc.integer({ min: 5, max: 120 }),
        fc.constantFrom('safe', 'unsafe', 'disk-only'),
        fc.integer({ min: 1, max: 2 }),
        fc.integer({ min: 1, max: 10_000 }),
        (guest, epochMs, mode, primaries, seed) => {
          const params = {
            'run.durationS': 1.5,
            'remus.epochMs': epochMs,
            'remus.primaries': primaries,
            ...(mode === 'safe' ? {} : { 'remus.netBuffering': false }),
            ...(mode === 'disk-only' ? { 'remus.memory': false } : {}),
          };
          const { value: o, sent } = countingSends(() => remusRun(guest, params, seed));
          if (mode === 'safe') {
            expect(o.invariants.outputCommitted).toBe(true);
            if (sent > 0) safeWithOutput++;
          } else {
            expect(o.invariants.outputCommitted).toBe(sent === 0);
            if (sent > 0) unsafeWithOutput++;
          }
          expect(o.invariants.noLostOutput).toBe(true); // no failover: nothing taken back
        },
      ),
      { numRuns: 30, seed: 15 },
    );
    // The property was exercised on both sides, not vacuously.
    expect(unsafeWithOutput).toBeGreaterThan(2);
    expect(safeWithOutput).toBeGreaterThan(2);
  }, 180_000);

  it('a guest that sends nothing commits its (absent) output in either mode', () => {
    for (const nb of [true, false]) {
      const { value: o, sent } = countingSends(() => remusRun('idle', { 'run.durationS': 1, 'remus.netBuffering': nb }));
      expect(sent).toBe(0);
      expect(o.invariants.outputCommitted).toBe(true);
    }
  });

  it('holds across a failover in safe mode, and noLostOutput still counts what a failover takes back', () => {
    const safe = remusRun('kvstore', { 'run.durationS': 4, 'faults.primaryCrashAtS': 1.6 });
    expect(safe.invariants).toMatchObject({ outputCommitted: true, noLostOutput: true });
    const unsafe = remusRun('kvstore', { 'run.durationS': 4, 'faults.primaryCrashAtS': 1.6, 'remus.netBuffering': false });
    expect(unsafe.invariants.outputCommitted).toBe(false);
  });

  it('packets let out after the backup is gone (unprotected) are outside the guarantee', () => {
    const o = remusRun('kvstore', { 'run.durationS': 4, 'faults.backupCrashAtS': 1 });
    expect(o.metrics.protected).toBe(false);
    expect(o.invariants.outputCommitted).toBe(true);
  });

  it('is in the run result of the CLI path (runScenario)', () => {
    const r = runScenario({ engine: 'remus', workload: 'apache-static', params: { 'run.durationS': 1, 'remus.netBuffering': false } });
    expect(r.invariants.outputCommitted).toBe(false);
  });
});

describe('OutputCommitCheck on one primary', () => {
  /** A kvstore pair watched by a check from the start, run to 0.3 s; `released` counts what its buffer lets out. */
  function watched(params: Record<string, boolean> = {}) {
    const { run, start } = remusPair(params);
    const p = run.primaries[0]!;
    const check = new OutputCommitCheck();
    check.watch(p);
    const counter = { released: 0 };
    p.output?.onRelease(() => counter.released++);
    start();
    run.sim.run(0.3e9);
    return { run, p, check, counter };
  }

  it('buffered output: every packet released while protected is checked, and none is early', () => {
    const { check, counter } = watched();
    expect(counter.released).toBeGreaterThan(0);
    expect(check.checked).toBe(counter.released);
    expect(check.early).toBe(0);
    expect(check.holds).toBe(true);
  });

  it('unsafe mode: every packet leaves before its epoch’s checkpoint is even taken, so every one is early', () => {
    const { check, counter } = watched({ 'remus.netBuffering': false });
    expect(counter.released).toBeGreaterThan(0);
    expect(check.checked).toBe(counter.released);
    expect(check.early).toBe(counter.released);
    expect(check.holds).toBe(false);
  });

  it('disk-only: a primary without an output buffer is watched through a pass-through one', () => {
    const { p, check } = watched({ 'remus.memory': false, 'remus.netBuffering': false });
    expect(p.output).toBeNull();
    expect(check.checked).toBeGreaterThan(0);
    expect(check.early).toBe(check.checked);
  });

  it('packets let out once the primary is no longer protected are not checked', () => {
    const { run, p, check, counter } = watched();
    const checked = check.checked;
    const released = counter.released;
    p.goUnprotected();
    run.sim.run(0.5e9);
    expect(counter.released).toBeGreaterThan(released);
    expect(check.checked).toBe(checked);
    expect(check.holds).toBe(true);
  });
});
