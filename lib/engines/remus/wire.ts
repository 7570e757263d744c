import type { SeriesRecord } from '../../metrics/records.js';
import type { Network } from '../../net/index.js';
import { InputError } from '../../params/index.js';
import type { Simulation } from '../../sim/index.js';
import type { Host } from '../../vm/index.js';
import type { EngineContext, EngineGuest } from '../engine.js';
import type { FailoverOutcome } from './failover.js';
import { SnapshotKeeper } from './invariants.js';
import { FluidTransport } from './fluid-transport.js';
import { NetTransport } from './net-transport.js';
import type { ReplicationTransport } from './transport.js';
import { ClientGapMeter } from './outage.js';
import { OutputCommitCheck } from './output-commit.js';
import { remusConfig, type RemusConfig } from './params.js';
import { Primary } from './primary.js';
import { RemusTimeline } from './timeline.js';

/**
 * One Remus run's machinery, built by `wireRemus` and shared by its phases: the primaries, the
 * backup host and the replication link between them, what the run observes, and what happened to
 * each primary so far.
 */
export interface RemusRun {
  readonly sim: Simulation;
  readonly config: RemusConfig;
  readonly network: Network;
  /** The backup host: the layout's last. */
  readonly backup: Host;
  /** The guests, one per primary, in order. */
  readonly guests: readonly EngineGuest[];
  readonly transport: ReplicationTransport;
  readonly primaries: readonly Primary[];
  /** Per primary, snapshots of its committed checkpoints (kept only when a failover can happen). */
  readonly keepers: ReadonlyArray<SnapshotKeeper | null>;
  /** Gaps in what the first primary's clients receive (`clientOutageMs`, the `output` series). */
  readonly gaps: ClientGapMeter;
  readonly outputCommit: OutputCommitCheck;
  readonly epochs: SeriesRecord[];
  readonly timeline: RemusTimeline;
  /** Per primary, its failover once the backup declared it failed. */
  readonly failovers: Array<FailoverOutcome | null>;
  /** Per primary, when it failed (its host crashed or its guest did); −1 while it has not. */
  readonly crashAt: number[];
  /** What the backup held when it crashed, against the last committed checkpoints (null: it did not crash). */
  backupCrashCheck: { memory: boolean; disk: boolean } | null;
}

/** Build the primaries, the backup and the replication link of a run. */
export function wireRemus(ctx: EngineContext): RemusRun {
  const { sim, params } = ctx;
  const config = remusConfig(params);
  // The layout's last host is the backup; every guest is a primary on a host of its own.
  const backup = ctx.hosts[ctx.hosts.length - 1]!;
  const guests = ctx.guests;
  if (guests.length !== config.primaries)
    throw new InputError(
      'remus.primaries',
      `${config.primaries} primaries need the scenario to supply ${config.primaries} VMs (this run has ${guests.length})`,
      String(guests.length),
    );
  // One primary: its stream and acks are flows on lib/net's host-to-host link. Several: lib/net
  // gives each host pair a cable of its own and cannot make them share the backup's one
  // replication NIC, so the fluid model (FluidTransport) models that shared NIC.
  const transport: ReplicationTransport =
    config.primaries === 1
      ? new NetTransport(sim, ctx.network)
      : new FluidTransport(sim, {
          bandwidthMbps: params.num('link.bandwidthMbps'),
          efficiency: params.num('link.efficiency'),
          latencyNs: Math.round(params.num('link.latencyMs') * 1e6),
          lossRate: params.num('link.lossRate'),
        });
  // Snapshots of committed checkpoints let a failover check memory and disk against the truth:
  // kept whenever a failover can happen (any fault, or a lossy link starving the heartbeat).
  const failoverPossible = ctx.faults.length > 0 || params.num('link.lossRate') > 0;
  const epochs: SeriesRecord[] = [];
  const timeline = new RemusTimeline(sim);
  const keepers = guests.map(() => (failoverPossible ? new SnapshotKeeper() : null));
  const primaries = guests.map((g, i) => {
    g.vm.vcpu.setTrapNs(config.costs.logDirtyTrapNs);
    return new Primary({ sim, id: i, vm: g.vm, host: g.host, backup, transport, config, rng: ctx.rng, snapshots: keepers[i] ?? null, epochs, timeline });
  });
  return {
    sim,
    config,
    network: ctx.network,
    backup,
    guests,
    transport,
    primaries,
    keepers,
    gaps: new ClientGapMeter(),
    outputCommit: new OutputCommitCheck(),
    epochs,
    timeline,
    failovers: primaries.map(() => null),
    crashAt: primaries.map(() => -1),
    backupCrashCheck: null,
  };
}
