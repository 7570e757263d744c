import { describe, expect, it } from 'vitest';
import { runScenario } from '../../lib/scenario/index.js';

describe('quake3 (Clark fig. 10–11, C1)', () => {
  it('runs 20 server frames a second; its 6 clients get a snapshot every 50 ms', () => {
    const r = runScenario({ engine: 'unprotected', workload: 'quake3', params: { 'run.durationS': 10 } });
    expect(r.metrics.framesPerS as number).toBeCloseTo(20, 0);
    expect(r.metrics.clientGapMs as number).toBeLessThan(1);
  });
  it('a migration shows as a gap in what the clients receive, about the downtime', () => {
    const r = runScenario({ engine: 'migration', workload: 'quake3', params: { 'run.durationS': 20 } });
    const gap = r.metrics.clientGapMs as number;
    const down = r.metrics.downtimeMs!;
    expect(gap).toBeGreaterThan(down - 50);
    expect(gap).toBeLessThan(down + 50);
    expect(r.invariants.memoryConsistent).toBe(true);
  });
  it('dirties a hot set every frame plus a moving cursor, and its network buffers: ≈ 4–6.5 MiB/s of distinct pages over a second', () => {
    const r = runScenario({ engine: 'unprotected', workload: 'quake3', params: { 'run.durationS': 5 } });
    const mib = r.series.dirty!.slice(1).map((x) => x.dirtyMiBPerS as number);
    for (const m of mib) expect(m).toBeGreaterThan(4.0);
    for (const m of mib) expect(m).toBeLessThan(6.5);
  });
});
