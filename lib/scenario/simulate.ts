import { DEFAULT_LAYOUT, type EngineDef, type EngineGuest, type EngineInstance, type EngineReport, type RunLayout } from '../engines/engine.js';
import { byzantineFault, misbehave, type ScheduledFault } from '../faults/index.js';
import { ReplyAudit } from '../replication/index.js';
import { engineReplicas } from './checks.js';
import { DefaultResources } from './resources.js';
import type { Params } from '../params/index.js';
import { RandomStreams, Simulation, ms, s, type RandomStream } from '../sim/index.js';
import { Network, type Service } from '../net/index.js';
import { Disk, Host, PageMemory, VM } from '../vm/index.js';
import type { ClientPopulation, GuestInstance, WorkloadPreset } from '../../workloads/index.js';
import { DirtySampler } from './dirty-sampler.js';
import type { SeriesRecord } from '../metrics/records.js';
import { netBufferOptions } from './net-buffers.js';

/** The outcome of one simulation (one engine over one workload), before the twin comparison. */
export interface SimulationOutcome {
  readonly metrics: Record<string, number | boolean>;
  readonly invariants: Record<string, boolean>;
  readonly series: Record<string, SeriesRecord[]>;
  readonly events: number;
  /** The engine's own part of it (already merged into the fields above). */
  readonly engine: EngineReport;
}

/** One guest VM of a built run: the VM, the program inside it, the host it starts on, its service. */
export interface RunGuest extends EngineGuest {
  readonly program: GuestInstance;
}

/**
 * A run built and not yet started (`buildRun`): every part exists and is wired, no event has run.
 * Test harnesses hook in here — schedule a sabotage, stop the clients at some time, read a guest's
 * program — then call `run()`.
 */
export interface BuiltRun {
  readonly sim: Simulation;
  readonly params: Params;
  readonly network: Network;
  readonly hosts: readonly Host[];
  readonly guests: readonly RunGuest[];
  readonly services: readonly Service[];
  /** The client population of each service (by service number); null for workloads without clients. */
  readonly populations: ReadonlyArray<ClientPopulation | null>;
  readonly engine: EngineInstance;
  readonly durationNs: number;
  /**
   * Start everything at t = 0 (each service's clients, then its guests, then the engine) without
   * running the clock, for harnesses that step it themselves (`sim.run(t)`). `run` calls it.
   */
  start(): void;
  /** Start (unless started), run the clock until the work is done or the run's length, collect. Once. */
  run(): SimulationOutcome;
}

/**
 * Build one simulation: the hosts and network of the engine's layout, one guest program and VM per
 * guest, one client population per service, the engine around them. Deterministic: everything
 * random draws from streams named by component (the replicas of a service draw identical guest
 * streams; guest 0 and service 0 keep the plain names, so a one-guest run is the same either way).
 */
export function buildRun(engineDef: EngineDef, preset: WorkloadPreset, params: Params, seed: number, faults: readonly ScheduledFault[]): BuiltRun {
  const sim = new Simulation();
  const streams = new RandomStreams(seed);
  const durationNs = s(params.num('run.durationS'));
  const sharedCpu = params.bool('host.sharedCpu');
  const layout = engineDef.layout?.(params) ?? DEFAULT_LAYOUT;
  const serviceCount = checkLayout(layout);
  const suffix = (i: number): string => (i === 0 ? '' : `-${i}`);

  const hosts = layout.hosts.map((name) => new Host(name, { sharedCpu }));
  const network = new Network(sim, Network.optionsFromParams(params, streams.stream('network')));
  for (const h of hosts) network.addHost(h);
  const services = Array.from({ length: serviceCount }, (_, i) => network.addService(`service${suffix(i)}`));

  const pageBytes = params.num('vm.pageKiB') * 1024;
  // The noWrongReply audit: what the guests execute, in order, and what the clients accept.
  const replicated = engineDef.replicated === true;
  const audit = preset.replicable !== undefined && preset.clients !== undefined ? new ReplyAudit() : null;
  const guestStreams = new Map<number, string>();
  const guestRng = (service: number): RandomStream => {
    const name = `workload${suffix(service)}`;
    if (guestStreams.has(service)) return streams.replica(name);
    guestStreams.set(service, name);
    return streams.stream(name);
  };
  const makeGuest = (hostIndex: number, serviceIndex: number, name: string): RunGuest => {
    const host = hosts[hostIndex]!;
    const service = services[serviceIndex]!;
    const program = preset.guest({ sim, params, rng: guestRng(serviceIndex), replicated, ...(audit === null ? {} : { executions: audit }) });
    const memory = new PageMemory({
      pages: Math.max(1, Math.round((params.num('vm.memoryMiB') * 1024 * 1024) / pageBytes)),
      pageBytes,
      contentBacked: program.contentBacked,
    });
    const disk = new Disk(Math.max(1, Math.round((params.num('vm.diskMiB') * 1024 * 1024) / 4096)), { contentBacked: program.contentBacked });
    const netBuffers = preset.usesNetwork ? netBufferOptions(params, memory.pages) : undefined;
    const vm = new VM({ sim, name, host, memory, disk, program, cpuBound: program.cpuBound, ...(netBuffers === undefined ? {} : { netBuffers }) });
    network.attachVm(vm, service);
    return { vm, host, service, program };
  };
  const guests: RunGuest[] = layout.guests.map((g, i) => makeGuest(g.host, g.service, `vm${suffix(i)}`));
  // A VM made from a saved image: its program starts on memory of its own (its load goes there),
  // then the VM is restored onto the image with the program's state as it is — nothing executed.
  const spawnGuest = (hostIndex: number, serviceIndex: number, image: PageMemory, name: string): VM => {
    const g = makeGuest(hostIndex, serviceIndex, name);
    if (image.pages !== g.vm.memory.pages || image.pageBytes !== g.vm.memory.pageBytes) throw new Error(`image for ${name} differs in geometry from the run's VMs`);
    g.program.start(g.vm);
    g.vm.pause();
    g.vm.restoreOn(g.host, image, g.vm.disk, g.vm.cpuState());
    return g.vm;
  };
  const populations = services.map(
    (service, i) => preset.clients?.({ sim, params, rng: streams.stream(`clients${suffix(i)}`), network, service, replicated, ...(audit === null ? {} : { accepted: audit }) }) ?? null,
  );
  const vm = guests[0]!.vm;
  const resources = new DefaultResources(sim, engineDef, params, guests.map((g) => g.vm), engineReplicas(engineDef, params));

  const engine = engineDef.create({
    sim,
    params,
    hosts,
    guests: guests.map(({ vm: v, host, service }) => ({ vm: v, host, service })),
    services,
    vm,
    network,
    faults,
    rng: streams.stream('engine'),
    durationNs,
    spawnGuest,
  });
  const sampler = new DirtySampler(sim, vm, ms(params.num('run.sampleMs')));

  let started = false;
  let ran = false;
  // Fixed work: the run ends when every guest has finished; completion is the last one's.
  let doneAt: number | null = null;
  const start = (): void => {
    if (started) return;
    started = true;
    let unfinished = guests.length;
    for (const g of guests)
      g.program.done?.then(() => {
        if (--unfinished > 0) return;
        doneAt = sim.now;
        sim.stop();
      });
    // Each service's clients start just before its first guest, then the guests, then the engine.
    const withClients = new Set<Service>();
    for (const g of guests) {
      if (!withClients.has(g.service)) {
        withClients.add(g.service);
        populations[services.indexOf(g.service)]?.start();
      }
      g.program.start(g.vm);
    }
    engine.start();
    sampler.start();
    // A Byzantine fault strikes the engine's active VMs on the highest host indices.
    const byz = byzantineFault(params, durationNs / 1e9);
    if (byz !== null && preset.replicable !== undefined) {
      const behaviour = preset.replicable.misbehaviour(params, replicated);
      sim.at(byz.atNs, () => {
        const active = [...(engine.activeVms?.() ?? (vm.status === 'crashed' ? [] : [vm]))];
        active.sort((a, b) => hosts.indexOf(b.host) - hosts.indexOf(a.host));
        for (const v of active.slice(0, byz.replicas)) misbehave(v, byz.kind, behaviour);
      });
    }
  };
  const run = (): SimulationOutcome => {
    if (ran) throw new Error('a built run runs once');
    ran = true;
    start();
    sim.run(durationNs);
    const endNs = sim.now;
    for (const g of guests) g.vm.vcpu.sync();

    const report = engine.finish(endNs);
    const first = guests[0]!;
    const population = (g: RunGuest): ClientPopulation | null => populations[services.indexOf(g.service)] ?? null;
    const pop0 = population(first);
    // The guest's dirtying as measured (writable working set per `run.sampleMs` window).
    const metrics: Record<string, number | boolean> = {
      dirtyPagesPeak: sampler.peakPages,
      dirtyPagesPerSMean: sampler.meanPagesPerS,
      ...first.program.metrics(endNs),
      ...pop0?.metrics(endNs),
    };
    if (preset.fixedWork) {
      metrics.completed = doneAt !== null;
      metrics.completionTimeS = (doneAt ?? endNs) / 1e9;
    }
    // What the protection costs, for engines that do not count it themselves.
    const dom0 = report.metrics.dom0CpuSeconds;
    const cost = resources.report(endNs, { hosts, network, ...(typeof dom0 === 'number' ? { dom0CpuSeconds: dom0 } : {}) });
    for (const [k, v] of Object.entries(cost.metrics)) if (!(k in report.metrics)) metrics[k] = v;
    Object.assign(metrics, report.metrics);
    const series: Record<string, SeriesRecord[]> = { dirty: sampler.records, ...first.program.series(), ...pop0?.series(), replicas: cost.replicas, ...report.series };
    // With several guests, each one's own metrics and its service's clients' (guest 0's are the run's).
    if (guests.length > 1) series.guests = guests.map((g, i) => ({ guest: i, ...g.program.metrics(endNs), ...population(g)?.metrics(endNs) }));
    return {
      metrics,
      invariants: {
        ...first.program.invariants(),
        ...pop0?.invariants(),
        ...(audit === null ? {} : { noWrongReply: audit.verify(preset.replicable!.reference(params, replicated)).noWrongReply }),
        ...report.invariants,
      },
      series,
      events: sim.eventCount,
      engine: report,
    };
  };
  return { sim, params, network, hosts, guests, services, populations, engine, durationNs, start, run };
}

/**
 * Build and run one simulation (`buildRun(…).run()`): run until the work is done or the run's
 * length; collect what each part reports.
 */
export function simulate(engine: EngineDef, preset: WorkloadPreset, params: Params, seed: number, faults: readonly ScheduledFault[]): SimulationOutcome {
  return buildRun(engine, preset, params, seed, faults).run();
}

/** Check an engine's layout; returns the number of services. */
function checkLayout(layout: RunLayout): number {
  if (layout.hosts.length === 0 || layout.guests.length === 0) throw new Error('an engine layout needs at least one host and one guest');
  if (new Set(layout.hosts).size !== layout.hosts.length) throw new Error(`host names repeat in the engine layout: ${layout.hosts.join(', ')}`);
  let services = 0;
  for (const g of layout.guests) {
    if (!Number.isInteger(g.host) || g.host < 0 || g.host >= layout.hosts.length) throw new Error(`guest host ${g.host} is not one of the layout's ${layout.hosts.length} hosts`);
    if (!Number.isInteger(g.service) || g.service < 0) throw new Error(`bad service number ${g.service}`);
    services = Math.max(services, g.service + 1);
  }
  for (let i = 0; i < services; i++) if (!layout.guests.some((g) => g.service === i)) throw new Error(`service ${i} of the engine layout has no guest`);
  return services;
}
