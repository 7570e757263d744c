import { migrationEngine } from '../../../lib/engines/migration/index.js';
import { Network } from '../../../lib/net/index.js';
import { resolveParams, type ParamValue } from '../../../lib/params/index.js';
import { COMMON_PARAMS } from '../../../lib/scenario/index.js';
import { RandomStreams, Simulation, s } from '../../../lib/sim/index.js';
import { Disk, Host, PageMemory, VM } from '../../../lib/vm/index.js';
import type { WorkloadPreset } from '../../../workloads/index.js';

/**
 * A migration run as simulate() builds it — with lib/net's Network (hosts attached, the VM on
 * it), or without any network (`withNetwork=false`: the engine's fixed-rate path, no clients), to
 * check the stream's timing to the nanosecond.
 */
export function migrate(preset: WorkloadPreset, input: Record<string, ParamValue>, opts: { seed?: number; withNetwork?: boolean } = {}) {
  const seed = opts.seed ?? 1;
  const engine = migrationEngine;
  const params = resolveParams([...COMMON_PARAMS, ...preset.params, ...engine.params], input, preset.defaults);
  const sim = new Simulation();
  const streams = new RandomStreams(seed);
  const durationNs = s(params.num('run.durationS'));
  const shared = params.bool('host.sharedCpu');
  const hosts: [Host, Host] = [new Host('A', { sharedCpu: shared }), new Host('B', { sharedCpu: shared })];
  const network = opts.withNetwork === false ? null : new Network(sim, Network.optionsFromParams(params, streams.stream('network')));
  if (network !== null) for (const h of hosts) network.addHost(h);
  const workload = preset.create({ sim, params, rng: streams.stream('workload'), clientRng: streams.stream('clients'), network });
  const pageBytes = params.num('vm.pageKiB') * 1024;
  const memory = new PageMemory({ pages: Math.round((params.num('vm.memoryMiB') * 1048576) / pageBytes), pageBytes, contentBacked: workload.contentBacked });
  const disk = new Disk(Math.round((params.num('vm.diskMiB') * 1048576) / 4096), { contentBacked: workload.contentBacked });
  const vm = new VM({ sim, host: hosts[0], memory, disk, program: workload, cpuBound: workload.cpuBound });
  network?.attachVm(vm);
  // Without a network the engine falls back to its fixed-rate path (it checks `instanceof Network`).
  const instance = engine.create({ sim, params, vm, hosts, network: network as Network, faults: [], rng: streams.stream('engine'), durationNs });
  workload.start(vm);
  instance.start();
  sim.run(durationNs);
  vm.vcpu.sync();
  const report = instance.finish(sim.now);
  return { metrics: { ...workload.metrics(sim.now), ...report.metrics }, invariants: report.invariants, series: report.series, network, vm, hosts };
}
