import { describe, expect, it } from 'vitest';
import { Signal, Simulation, SimulationError, ms } from '../../lib/sim/index.js';

describe('Simulation.schedule(delay, fn)', () => {
  it('fires simultaneous events in the order they were scheduled', () => {
    const sim = new Simulation();
    const order: string[] = [];
    sim.schedule(5, () => order.push('a'));
    sim.schedule(5, () => order.push('b'));
    sim.schedule(1, () => order.push('first'));
    sim.schedule(5, () => order.push('c'));
    sim.run();
    expect(order).toEqual(['first', 'a', 'b', 'c']);
    expect(sim.now).toBe(5);
  });

  it('rounds delays to integer nanoseconds and refuses negative ones', () => {
    const sim = new Simulation();
    const t = sim.schedule(1.6, () => {});
    expect(t.time).toBe(2);
    expect(() => sim.schedule(-1, () => {})).toThrow(/negative/);
  });

  it('skips cancelled events', () => {
    const sim = new Simulation();
    let fired = false;
    sim.schedule(10, () => (fired = true)).cancel();
    sim.run();
    expect(fired).toBe(false);
  });
});

describe('Simulation.run(until)', () => {
  it('stops before later events and sets the clock to until', () => {
    const sim = new Simulation();
    const seen: number[] = [];
    for (const t of [10, 20, 30]) sim.schedule(t, () => seen.push(sim.now));
    sim.run(25);
    expect(seen).toEqual([10, 20]);
    expect(sim.now).toBe(25);
    sim.run();
    expect(seen).toEqual([10, 20, 30]);
  });

  it('ends the run loudly when an event throws, naming the time', () => {
    const sim = new Simulation();
    sim.schedule(ms(3), () => {
      throw new Error('boom');
    });
    expect(() => sim.run()).toThrow(SimulationError);
    expect(() => {
      const s2 = new Simulation();
      s2.schedule(7, () => {
        throw new Error('boom');
      });
      s2.run();
    }).toThrow(/t=7 ns.*boom/);
  });
});

describe('Simulation.process(generator)', () => {
  it('runs generator processes that yield delays and signals', () => {
    const sim = new Simulation();
    const log: Array<[string, number]> = [];
    const go = new Signal<string>('go');
    sim.process(
      (function* () {
        yield 100;
        log.push(['p1 after delay', sim.now]);
        const v: string = yield go;
        log.push([`p1 got ${v}`, sim.now]);
      })(),
      'p1',
    );
    sim.process(
      (function* () {
        yield 250;
        go.trigger('x');
        log.push(['p2 triggered', sim.now]);
      })(),
      'p2',
    );
    sim.run();
    expect(log).toEqual([
      ['p1 after delay', 100],
      ['p2 triggered', 250],
      ['p1 got x', 250],
    ]);
  });

  it('returns a signal with the process result', () => {
    const sim = new Simulation();
    const done = sim.process(
      (function* () {
        yield 5;
        return 42;
      })(),
    );
    sim.run();
    expect(done.triggered).toBe(true);
    expect(done.value).toBe(42);
  });

  it('fails the run when a process throws, naming the process', () => {
    const sim = new Simulation();
    sim.process(
      (function* () {
        yield 1;
        throw new Error('bad state');
      })(),
      'checker',
    );
    expect(() => sim.run()).toThrow(/checker: bad state/);
  });
});
