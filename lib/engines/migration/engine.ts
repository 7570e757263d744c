import { InputError } from '../../params/index.js';
import { s as seconds } from '../../sim/index.js';
import type { Host } from '../../vm/index.js';
import type { SeriesRecord } from '../../metrics/records.js';
import { type EngineDef, type EngineReport, TWO_HOST_FAULT_KINDS } from '../engine.js';
import { hostCosts } from '../host-profiles.js';
import { EgressMeter } from './meter.js';
import { MIGRATION_PARAMS } from './params.js';
import type { MigrationMetrics, RoundRecord } from './metrics.js';
import { POLICIES, resolvePolicy } from './policy.js';
import { Migration } from './rounds.js';
import { Dom0Work, NetworkPath } from './transfer.js';

const MIB = 1024 * 1024;

/**
 * Live migration (Clark et al., NSDI '05): stop-and-copy or pre-copy under a named policy,
 * starting `migration.startAtS` into the run; the run goes on on the target afterwards.
 */
export const migrationEngine: EngineDef = {
  name: 'migration',
  description: 'live migration: stop-and-copy and pre-copy with the Xen, QEMU, SimGrid and textbook policies',
  params: MIGRATION_PARAMS,
  faultKinds: TWO_HOST_FAULT_KINDS,
  // A partition aborts the migration; the guest runs on at the source.
  tolerates: ['linkDown'],
  // Checked at the switch-over: a migration that never got there has nothing to compare; the disk
  // only when it is migrated (`migration.disk`).
  invariants: { everyRun: [], whenChecked: ['memoryConsistent', 'diskConsistent'] },
  policies: POLICIES.map((p) => ({ name: p.name, description: p.description })),
  // The target VM exists from the migration's start.
  extraVms: (params) => [{ fromS: params.num('migration.startAtS') }],
  create(ctx) {
    const p = ctx.params;
    const policy = resolvePolicy(p);
    const startNs = seconds(p.num('migration.startAtS'));
    if (startNs >= ctx.durationNs)
      throw new InputError('migration.startAtS', `${p.num('migration.startAtS')} s is not before the end of the run (run.durationS = ${ctx.durationNs / 1e9})`, `< ${ctx.durationNs / 1e9}`);
    const shared = p.bool('migration.sharedNic');
    // The hosts' costs: Clark's testbed unless host.profile or a host.* key says otherwise.
    const costs = hostCosts(p, 'clark-2005');
    ctx.vm.vcpu.setTrapNs(costs.logDirtyTrapNs);
    // The VM starts on the first host and moves to the second (the default layout).
    const source = ctx.hosts[0]!;
    const target = ctx.hosts[1]!;
    const net = ctx.network;
    const service = net.serviceOf(ctx.vm);
    // The stream is a flow competing with the workload's traffic: on the client-facing NIC it
    // shares (`migration.sharedNic`) or on the host-to-host link.
    const path = new NetworkPath(ctx.sim, shared ? net.clientNic(source).tx : net.hostLink(source, target));
    const migration = new Migration({
      sim: ctx.sim,
      vm: ctx.vm,
      target,
      policy,
      path,
      dom0: new Dom0Work(source.dom0Cpu, costs.sendNsPerByte),
      disk: p.bool('migration.disk'),
      costs: { suspendNs: costs.migrationSuspendNs, startupNs: costs.restoreNs, redirectNs: costs.redirectNs },
      redirect: (host: Host) => net.redirect(host, service),
    });
    const memoryPages = ctx.vm.memory.pages;
    let meter: EgressMeter | null = null;
    return {
      start() {
        meter = new EgressMeter(ctx.sim, ctx.vm);
        ctx.sim.at(startNs, () => {
          if (ctx.vm.status !== 'crashed') ctx.sim.process(migration.run(), 'migration');
        });
        // Faults: a crashed host takes the VM with it if the VM runs there; a failure of either
        // host (or of the VM) before the switch abandons the migration.
        const crashHost = (h: Host, why: string): void => {
          if (!h.alive) return;
          h.alive = false;
          net.hostCrashed(h);
          migration.abort(why);
          if (ctx.vm.host === h) ctx.vm.crash();
        };
        for (const f of ctx.faults) {
          ctx.sim.at(f.atNs, () => {
            switch (f.kind) {
              case 'primaryCrash':
                crashHost(source, 'source host crashed');
                break;
              case 'backupCrash':
                crashHost(target, 'target host crashed');
                break;
              case 'hostCrash':
                crashHost(ctx.vm.host, `host ${ctx.vm.host.name} crashed`);
                break;
              case 'vmCrash':
                migration.abort('VM crashed');
                ctx.vm.crash();
                break;
              case 'linkDown': {
                const link = net.link(source, target);
                link.setDown(true);
                if (f.forNs !== undefined) ctx.sim.schedule(f.forNs, () => link.setDown(false));
                break;
              }
            }
          });
        }
      },
      finish(endNs): EngineReport {
        const m = migration;
        const done = m.completed;
        const started = m.startNs >= 0; // a fixed-work run may end before migration.startAtS
        const until = m.resumedNs >= 0 ? m.resumedNs : endNs;
        // Downtime: pause to reachable; a run that ended in the stop phase counts until its end;
        // an abandoned migration (the VM resumed at the source, or was lost) has none of its own.
        const inStopPhase = !done && m.abortReason === null && m.pausedNs >= 0;
        const metrics = {
          migrationCompleted: done,
          migrationAborted: m.abortReason !== null,
          rounds: m.memoryRounds,
          // A run that ended mid-round counts the batches of that round already sent.
          sentMiB: (m.memoryBytesSent + m.diskBytesSent + m.roundBytesSoFar) / MIB,
          sentFactor: m.memoryPagesSent / memoryPages,
          throughputBeforeMbps: meter!.mbps(Math.floor(startNs / 2), Math.min(startNs, endNs)),
          // The migration stream crosses from host to host even when it shares the client-facing NIC
          // (`migration.sharedNic`), so networkMiB counts it either way.
          ...(shared ? { networkMiB: (net.hostLinkBytes() + m.memoryBytesSent + m.diskBytesSent + m.roundBytesSoFar) / MIB } : {}),
          ...(started ? { throughputDuringMbps: meter!.mbps(startNs, Math.max(until, startNs + 1)) } : {}),
          // A migration that did not finish has no total time, last round or downtime: they are left
          // out rather than reported as 0, which would read as a perfect migration. A run that ended
          // in the stop phase reports the downtime so far.
          ...(done
            ? { totalTimeS: (until - m.startNs) / 1e9, downtimeMs: (m.reachableNs - m.pausedNs) / 1e6, lastRoundKiB: m.lastRoundBytes / 1024 }
            : inStopPhase
              ? { downtimeMs: (endNs - m.pausedNs) / 1e6 }
              : {}),
        } satisfies MigrationMetrics;
        const invariants: Record<string, boolean> = {};
        if (m.memoryConsistent !== null) invariants.memoryConsistent = m.memoryConsistent;
        if (m.diskConsistent !== null) invariants.diskConsistent = m.diskConsistent;
        // Its rows are what readers of `rounds` are told they are (RoundRecord).
        const series: Record<string, SeriesRecord[]> = { rounds: m.rounds satisfies RoundRecord[] };
        if (m.abortReason !== null) series.migration = [{ event: 'aborted', reason: m.abortReason, timeS: m.abortedNs / 1e9 }];
        return { metrics, invariants, series };
      },
    };
  },
};
