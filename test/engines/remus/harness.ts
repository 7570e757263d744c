import { remusEngine } from '../../../lib/engines/remus/index.js';
import type { RemusContext } from '../../../lib/engines/remus/index.js';
import type { EngineReport } from '../../../lib/engines/engine.js';
import { faultSchedule } from '../../../lib/faults/index.js';
import type { ParamValue } from '../../../lib/params/index.js';
import { resolveRunParams, simulate, type SimulationOutcome } from '../../../lib/scenario/index.js';
import { RandomStreams, Simulation, s } from '../../../lib/sim/index.js';
import { Disk, Host, PageMemory, VM } from '../../../lib/vm/index.js';
import { getWorkload, type WorkloadInstance } from '../../../workloads/index.js';

/** One Remus simulation (no twin): faster than runScenario for property tests. */
export function remusRun(workload: string, params: Record<string, ParamValue>, seed = 1): SimulationOutcome {
  const p = resolveRunParams('remus', workload, params);
  return simulate(remusEngine, getWorkload(workload), p, seed, faultSchedule(p, p.num('run.durationS')));
}

/**
 * N primaries (each its own host and `workload` guest) protected by one backup host — the wiring
 * simulate() does not do yet (`remus.primaries` > 1).
 */
export function multiPrimaryRun(
  n: number,
  workload: string,
  params: Record<string, ParamValue>,
  seed = 1,
  beforeRun?: (sim: Simulation, guests: readonly WorkloadInstance[]) => void,
  onVm?: (vm: VM, index: number) => void,
): { report: EngineReport; sim: Simulation; guests: WorkloadInstance[] } {
  const p = resolveRunParams('remus', workload, { ...params, 'remus.primaries': n });
  const sim = new Simulation();
  const streams = new RandomStreams(seed);
  const sharedCpu = p.bool('host.sharedCpu');
  const backup = new Host('B', { sharedCpu });
  const preset = getWorkload(workload);
  const pageBytes = p.num('vm.pageKiB') * 1024;
  const primaries = Array.from({ length: n }, (_, i) => {
    const host = new Host(`A${i}`, { sharedCpu });
    const w = preset.create({ sim, params: p, rng: streams.stream(`workload-${i}`), clientRng: streams.stream(`clients-${i}`), network: null });
    const memory = new PageMemory({ pages: Math.round((p.num('vm.memoryMiB') * 1024 * 1024) / pageBytes), pageBytes, contentBacked: w.contentBacked });
    const disk = new Disk(Math.round((p.num('vm.diskMiB') * 1024 * 1024) / 4096), { contentBacked: w.contentBacked });
    const vm = new VM({ sim, name: `vm${i}`, host, memory, disk, program: w, cpuBound: w.cpuBound });
    onVm?.(vm, i);
    return { vm, host, w };
  });
  const durationNs = s(p.num('run.durationS'));
  const ctx: RemusContext = {
    sim,
    params: p,
    vm: primaries[0]!.vm,
    hosts: [primaries[0]!.host, backup],
    network: null as unknown as RemusContext["network"],
    faults: faultSchedule(p, p.num('run.durationS')),
    rng: streams.stream('engine'),
    durationNs,
    primaries: primaries.map(({ vm, host }) => ({ vm, host })),
  };
  const inst = remusEngine.create(ctx);
  for (const x of primaries) x.w.start(x.vm);
  inst.start();
  beforeRun?.(sim, primaries.map((x) => x.w));
  sim.run(durationNs);
  for (const x of primaries) x.vm.vcpu.sync();
  return { report: inst.finish(sim.now), sim, guests: primaries.map((x) => x.w) };
}
