import type { EngineDef } from '../engines/engine.js';
import type { ScheduledFault } from '../faults/index.js';
import type { Params } from '../params/index.js';
import { RandomStreams, Simulation, ms, s } from '../sim/index.js';
import { Network } from '../net/index.js';
import { Disk, Host, PageMemory, VM } from '../vm/index.js';
import type { WorkloadPreset } from '../../workloads/index.js';
import { DirtySampler } from './dirty-sampler.js';
import type { SeriesRecord } from '../metrics/records.js';
import { netBufferOptions } from './net-buffers.js';

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
  // Guests: one, or several on hosts of their own that share the second host (Remus's N primaries
  // on one backup). Guest 0 keeps the plain names so that a one-guest run is the same either way.
  const guests = engine.guests?.(params) ?? 1;
  const suffix = (i: number): string => (i === 0 ? '' : `-${i}`);
  const guestHosts = Array.from({ length: guests }, (_, i) => new Host(guests === 1 ? 'A' : `A${i}`, { sharedCpu }));
  const hosts: [Host, Host] = [guestHosts[0]!, new Host('B', { sharedCpu })];
  const network = new Network(sim, Network.optionsFromParams(params, streams.stream('network')));
  for (const h of [...guestHosts, hosts[1]]) network.addHost(h);

  const pageBytes = params.num('vm.pageKiB') * 1024;
  const machines = guestHosts.map((host, i) => {
    const workload = preset.create({
      sim,
      params,
      rng: streams.stream(`workload${suffix(i)}`),
      clientRng: streams.stream(`clients${suffix(i)}`),
      network,
    });
    const memory = new PageMemory({
      pages: Math.max(1, Math.round((params.num('vm.memoryMiB') * 1024 * 1024) / pageBytes)),
      pageBytes,
      contentBacked: workload.contentBacked,
    });
    const disk = new Disk(Math.max(1, Math.round((params.num('vm.diskMiB') * 1024 * 1024) / 4096)), { contentBacked: workload.contentBacked });
    const netBuffers = preset.usesNetwork ? netBufferOptions(params, memory.pages) : undefined;
    const vm = new VM({ sim, name: `vm${suffix(i)}`, host, memory, disk, program: workload, cpuBound: workload.cpuBound, ...(netBuffers === undefined ? {} : { netBuffers }) });
    network.attachVm(vm);
    return { workload, vm, host };
  });
  const { workload, vm } = machines[0]!;

  const instance = engine.create({
    sim,
    params,
    vm,
    hosts,
    network,
    faults,
    rng: streams.stream('engine'),
    durationNs,
    ...(guests > 1 ? { primaries: machines.map(({ vm: v, host }) => ({ vm: v, host })) } : {}),
  });
  const sampler = new DirtySampler(sim, vm, ms(params.num('run.sampleMs')));

  // Fixed work: the run ends when every guest has finished; completion is the last one's.
  let doneAt: number | null = null;
  let unfinished = machines.length;
  for (const m of machines)
    m.workload.done?.then(() => {
      if (--unfinished > 0) return;
      doneAt = sim.now;
      sim.stop();
    });
  for (const m of machines) m.workload.start(m.vm);
  instance.start();
  sampler.start();
  sim.run(durationNs);
  const endNs = sim.now;
  for (const m of machines) m.vm.vcpu.sync();

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
  const series: Record<string, SeriesRecord[]> = { dirty: sampler.records, ...workload.series(), ...report.series };
  // With several guests, each one's own workload metrics (guest 0's are the run's).
  if (machines.length > 1) series.guests = machines.map((m, i) => ({ guest: i, ...m.workload.metrics(endNs) }));
  return {
    metrics,
    invariants: { ...workload.invariants(), ...report.invariants },
    series,
    events: sim.eventCount,
  };
}
