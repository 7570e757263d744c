import { describe, expect, it } from 'vitest';
import { StopPhase } from '../../../lib/engines/migration/downtime.js';
import { Simulation, type Process } from '../../../lib/sim/index.js';
import type { VM } from '../../../lib/vm/index.js';

/** A VM that only records when it was paused and resumed. */
function fakeVm(sim: Simulation): { vm: VM; log: Array<[string, number]> } {
  const log: Array<[string, number]> = [];
  const vm = { pause: () => log.push(['pause', sim.now]), resume: () => log.push(['resume', sim.now]) } as unknown as VM;
  return { vm, log };
}

describe('StopPhase: the downtime is suspend + copy + start-up + redirection', () => {
  it('pauses at once, charges each fixed cost in turn, and measures paused → reachable', () => {
    const sim = new Simulation();
    const { vm, log } = fakeVm(sim);
    const stop = new StopPhase(sim, vm, { suspendNs: 7_000_000, startupNs: 40_000_000, redirectNs: 100_000 });
    const announced: number[] = [];
    sim.schedule(1_000_000, () =>
      sim.process(
        (function* (): Process<void> {
          yield* stop.suspend();
          yield 2_000_000; // the last round and the CPU state, sent by the round loop
          yield* stop.startOnTarget();
          yield* stop.redirect(() => announced.push(sim.now));
        })(),
      ),
    );
    sim.run();
    expect(log).toEqual([
      ['pause', 1_000_000],
      ['resume', 1_000_000 + 7_000_000 + 2_000_000 + 40_000_000],
    ]);
    expect(stop.pausedNs).toBe(1_000_000);
    expect(stop.resumedNs).toBe(50_000_000);
    expect(announced).toEqual([50_000_000]);
    expect(stop.reachableNs).toBe(50_100_000);
    expect(stop.downtimeNs).toBe(49_100_000);
  });

  it('free costs take no time (no zero-length waits)', () => {
    const sim = new Simulation();
    const { vm, log } = fakeVm(sim);
    const stop = new StopPhase(sim, vm, { suspendNs: 0, startupNs: 0, redirectNs: 0 });
    const steps: unknown[] = [];
    const gen = (function* (): Process<void> {
      yield* stop.suspend();
      yield* stop.startOnTarget();
      yield* stop.redirect(() => undefined);
    })();
    // Driven by hand: a process with nothing to wait for finishes in one step, yielding nothing.
    let r = gen.next();
    while (r.done !== true) {
      steps.push(r.value);
      r = gen.next();
    }
    expect(steps).toEqual([]);
    expect(log.map(([what]) => what)).toEqual(['pause', 'resume']);
    expect(stop.downtimeNs).toBe(0);
  });

  it('reports −1 for the moments that have not happened yet', () => {
    const sim = new Simulation();
    const stop = new StopPhase(sim, fakeVm(sim).vm, { suspendNs: 1, startupNs: 1, redirectNs: 1 });
    expect([stop.pausedNs, stop.resumedNs, stop.reachableNs]).toEqual([-1, -1, -1]);
  });
});
