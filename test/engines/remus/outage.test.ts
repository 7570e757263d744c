import { describe, expect, it } from 'vitest';
import { runScenario } from '../../../lib/scenario/index.js';
import { OUTPUT_SERIES_MAX } from '../../../lib/engines/remus/index.js';

describe('clientOutageMs', () => {
  it('is measured across a crash that comes after the output series stopped recording', { timeout: 120_000 }, () => {
    const r = runScenario({ engine: 'remus', workload: 'kvstore', params: { 'run.durationS': 180, 'faults.primaryCrashAtS': 175 } });
    expect(r.series.output!.length).toBe(OUTPUT_SERIES_MAX); // the series is capped before the crash
    // Detection (1 s heartbeat timeout) + restore + a TCP retransmission: well over a second.
    expect(r.metrics.clientOutageMs).toBeGreaterThan(1000);
    expect(r.metrics.clientOutageMs).toBeLessThan(5000);
  });

  it('is the clients’ own longest wait when none had been served before the crash (the output gaps have no baseline)', () => {
    const r = runScenario({ engine: 'remus', workload: 'kvstore', params: { 'run.durationS': 5, 'faults.primaryCrashAtS': 0 } });
    // The kvstore clients measure it against the median latency of the replies they did get:
    // detection (1 s heartbeat timeout) + restore + a retransmission.
    expect(r.metrics.clientOutageMs).toBeGreaterThan(1000);
    expect(r.metrics.clientOutageMs).toBeLessThan(5000);
  });
});
