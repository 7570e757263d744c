import { describe, expect, it } from 'vitest';
import { RemusTimeline } from '../../../lib/engines/remus/timeline.js';
import { Simulation } from '../../../lib/sim/index.js';

describe('the Remus timeline', () => {
  it('stamps each event with the simulated time, and names the primary only when one is given', () => {
    const sim = new Simulation();
    const timeline = new RemusTimeline(sim);
    sim.at(1_500_000_000, () => timeline.record('crash', 'primary host A crashed', 0));
    sim.at(2_000_000_000, () => timeline.record('link-down', 'replication link partitioned'));
    sim.run(3_000_000_000);
    expect(timeline.rows).toEqual([
      { timeS: 1.5, primary: 0, event: 'crash', detail: 'primary host A crashed' },
      { timeS: 2, event: 'link-down', detail: 'replication link partitioned' },
    ]);
    // The primary comes before the event, as in every row of the series.
    expect(Object.keys(timeline.rows[0]!)).toEqual(['timeS', 'primary', 'event', 'detail']);
  });
});
