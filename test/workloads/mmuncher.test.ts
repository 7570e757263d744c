import { describe, expect, it } from 'vitest';
import { InputError } from '../../lib/params/index.js';
import { runScenario } from '../../lib/scenario/index.js';

describe('mmuncher (Clark fig. 12, C2)', () => {
  it('sweeps its 256 MiB region at 113 MiB/s: 28,928 distinct pages every second, the rest untouched', () => {
    const r = runScenario({ engine: 'unprotected', workload: 'mmuncher', params: { 'run.durationS': 4 } });
    const windows = r.series.dirty!.map((x) => x.dirtyPages);
    expect(windows).toEqual([28928, 28928, 28928, 28928]);
    expect(r.params['vm.memoryMiB']).toBe(512);
    expect(r.params['host.sharedCpu']).toBe(false);
  });
  it('a faster sweep rewrites the whole region within a window', () => {
    const r = runScenario({ engine: 'unprotected', workload: 'mmuncher', params: { 'run.durationS': 2, 'workload.writeMiBPerS': 1000 } });
    expect(r.series.dirty!.map((x) => x.dirtyPages)).toEqual([65536, 65536]);
  });
  it('rejects a region that does not fit the VM', () => {
    expect(() => runScenario({ engine: 'unprotected', workload: 'mmuncher', params: { 'workload.regionMiB': 500 } })).toThrow(InputError);
  });
});
