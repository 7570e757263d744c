import type { EngineDef } from '../engines/engine.js';
import type { ScheduledFault } from '../faults/index.js';
import type { Params } from '../params/index.js';
import { RandomStreams, Simulation, ms, s } from '../sim/index.js';
import { Network } from '../net/index.js';
import { Disk, Host, PageMemory, VM } from '../vm/index.js';
import type { WorkloadPreset } from '../../workloads/index.js';
import { DirtySampler } from './dirty-sampler.js';
import type { SeriesRecord } from './result.js';

/** The outcome of one simulation (one engine over one workload), before the twin comparison. */
export interface SimulationOutcome {
  readonly metrics: Record<string, number | boolean>;
  readonly invariants: Record<string, boolean>;
  readonly series: Record<string, SeriesRecord[]>;
  readonly events: number;
}

/**
 * Build and run one simulation: hosts, network, guest memory and disk, the workload inside the
 * VM, the engine around it; run until the work is done or the run's length; collect what each
 * part reports. Deterministic: everything random draws from streams named by component.
 */
export function simulate(engine: EngineDef, preset: WorkloadPreset, params: Params, seed: number, faults: readonly ScheduledFault[]): SimulationOutcome {
  const sim = new Simulation();
  const streams = new RandomStreams(seed);
  const durationNs = s(params.num('run.durationS'));
  const sharedCpu = params.bool('host.sharedCpu');
  const hosts: [Host, Host] = [new Host('A', { sharedCpu }), new Host('B', { sharedCpu })];
  const network = new Network(sim, Network.optionsFromParams(params, streams.stream('network')));
  for (const h of hosts) network.addHost(h);

  const workload = preset.create({
    sim,
    params,
    rng: streams.stream('workload'),
    clientRng: streams.stream('clients'),
    network,
  });
  const pageBytes = params.num('vm.pageKiB') * 1024;
  const memory = new PageMemory({
    pages: Math.max(1, Math.round((params.num('vm.memoryMiB') * 1024 * 1024) / pageBytes)),
    pageBytes,
    contentBacked: workload.contentBacked,
  });
  const disk = new Disk(Math.max(1, Math.round((params.num('vm.diskMiB') * 1024 * 1024) / 4096)), { contentBacked: workload.contentBacked });
  const vm = new VM({ sim, host: hosts[0], memory, disk, program: workload, cpuBound: workload.cpuBound });
  network.attachVm(vm);

  const instance = engine.create({ sim, params, vm, hosts, network, faults, rng: streams.stream('engine'), durationNs });
  const sampler = new DirtySampler(sim, vm, ms(params.num('run.sampleMs')));

  let doneAt: number | null = null;
  workload.done?.then(() => {
    doneAt = sim.now;
    sim.stop();
  });
  workload.start(vm);
  instance.start();
  sampler.start();
  sim.run(durationNs);
  const endNs = sim.now;
  vm.vcpu.sync();

  const report = instance.finish(endNs);
  // The guest's dirtying as measured (writable working set per `run.sampleMs` window).
  const metrics: Record<string, number | boolean> = {
    dirtyPagesPeak: sampler.peakPages,
    dirtyPagesPerSMean: sampler.meanPagesPerS,
    ...workload.metrics(endNs),
  };
  if (preset.fixedWork) {
    metrics.completed = doneAt !== null;
    metrics.completionTimeS = (doneAt ?? endNs) / 1e9;
  }
  Object.assign(metrics, report.metrics);
  return {
    metrics,
    invariants: { ...workload.invariants(), ...report.invariants },
    series: { dirty: sampler.records, ...workload.series(), ...report.series },
    events: sim.eventCount,
  };
}
