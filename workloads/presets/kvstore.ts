import { InputError, numberParam, type Params } from '../../lib/params/index.js';
import { isOrderedRequest } from '../../lib/replication/index.js';
import type { VM } from '../../lib/vm/index.js';
import { KvClients, type KvReply, type KvRequest } from '../kvstore/clients.js';
import { executeKv, falsifyKvReply, freshKvMemory, kvReplyDigest, loadKv } from '../kvstore/machine.js';
import { RPC_HEADER_BYTES, RpcClients, RpcServer, type RpcServerState } from '../kvstore/rpc.js';
import { KvTable, keyOf, kvGeometry } from '../kvstore/table.js';
import type { Replicable } from '../replicable.js';
import { type ClientDefinition, type GuestDefinition, defineWorkload } from '../define-workload.js';
import type { ClientPopulation, GuestInstance } from '../workload.js';

/**
 * Guest CPU per request (µs): receive, parse, hash lookup, copy, reply through a paravirtual NIC.
 * Estimate for a small in-memory store on a 2008-era core (memcached serves ≈ 10⁵ small requests
 * per second per core natively; the Xen network path costs several times more).
 */
export const KV_REQUEST_CPU_US = 50;

/**
 * The kvstore as a replicable service: its reference copy (a fresh store in memory of its own,
 * applying requests with `executeKv`) and how its VMs misbehave — the wrong-reply rule
 * (`falsifyKvReply`: every value byte inverted) and state corruption (the guest rewrites every
 * record's value with its bytes XOR 0x55, through its own memory writes).
 */
export const kvReplicable: Replicable = {
  reference(params: Params, replicated: boolean) {
    const table = new KvTable(kvGeometryOf(params, replicated));
    const memory = freshKvMemory(table, params.num('workload.records'), params.num('vm.pageKiB') * 1024);
    return {
      apply: (body, position) => executeKv(table, memory, body as KvRequest, position),
      digest: (reply) => kvReplyDigest(reply as KvReply),
    };
  },
  misbehaviour(params: Params, replicated: boolean) {
    const table = new KvTable(kvGeometryOf(params, replicated));
    const records = params.num('workload.records');
    return {
      falsify: (reply) => falsifyKvReply(reply as KvReply),
      corrupt(vm: VM) {
        for (let k = 0; k < records; k++) {
          const key = keyOf(k, table.geo.keyBytes);
          const rec = table.get(vm.memory, key);
          if (rec === null) continue;
          const bad = rec.value.slice();
          for (let i = 0; i < bad.length; i++) bad[i]! ^= 0x55;
          table.put(vm.memory, key, rec.version, bad, rec.writer);
        }
      },
    };
  },
};

/**
 * A deterministic key-value store whose state lives in content-backed guest memory (an
 * open-addressing hash table of fixed-size slots, see workloads/kvstore/table.ts), serving a
 * YCSB-like mix (YCSB workload A by default: 50 % reads, 50 % updates, Zipf 0.99 popularity over
 * 1,000 records of 1,000 bytes — YCSB's core-workload defaults) to closed-loop TCP-like clients that
 * verify every reply (rules in workloads/kvstore/clients.ts). After a migration or failover it
 * answers from the bytes it received alone, so a dirty-tracking or output-commit bug shows up as
 * `wrongReplies` and a false `repliesConsistent` / `noLostAckedWrite`.
 */
export const kvstore = defineWorkload({
  name: 'kvstore',
  from: '—',
  description: 'a deterministic key-value store with content-backed state and a YCSB-like client mix',
  params: [
    numberParam('workload.records', 1000, 'records in the store (YCSB recordcount default: 1,000)', { min: 1, max: 1 << 22, integer: true }),
    numberParam('workload.keyBytes', 24, 'key size in bytes ("user" + digits; YCSB keys are ≈ 23 bytes)', { min: 12, max: 250, integer: true }),
    numberParam('workload.valueBytes', 1000, 'value size in bytes (YCSB: 10 fields × 100 bytes)', { min: 1, max: 1 << 20, integer: true }),
    numberParam('workload.readProportion', 0.5, 'share of reads; the rest are updates (YCSB workload A: 0.5)', { min: 0, max: 1 }),
    numberParam('workload.rmwProportion', 0, 'share of read-modify-writes (return the prior value, then write; YCSB workload F: 0.5), taken from the updates', { min: 0, max: 1 }),
    numberParam('workload.zipfS', 0.99, 'Zipf exponent of key popularity (YCSB zipfian constant 0.99; 0 = uniform)', { min: 0, max: 5 }),
    numberParam('workload.clients', 8, 'closed-loop client sessions', { min: 1, max: 100_000, integer: true }),
    numberParam('workload.thinkMs', 10, 'mean think time between a reply and the next request (exponential), ms', { min: 0 }),
    numberParam('workload.requestCpuUs', KV_REQUEST_CPU_US, 'guest CPU per request, µs (estimate)', { min: 0 }),
  ],
  // What the store writes to answer a request is its table (modelled); of the network buffers
  // (lib/vm/net-buffers.ts) only the receive ring and the socket buffers are its traffic's.
  defaults: { 'vm.memoryMiB': 64, 'run.durationS': 30, 'vm.netCopiedShare': 0 },
  contentBacked: true,
  replicable: kvReplicable,
  derivedDefaults(input) {
    const read = Number(input['workload.readProportion'] ?? 0.5);
    const rmw = Number(input['workload.rmwProportion'] ?? 0);
    if (read + rmw > 1 + 1e-12)
      throw new InputError('workload.rmwProportion', `reads (${read}) and read-modify-writes (${rmw}) add up to more than 1`, `0 … ${Math.max(0, 1 - read)}`);
    return {};
  },
  guest(env) {
    const p = env.params;
    const records = p.num('workload.records');
    const valueBytes = p.num('workload.valueBytes');
    const replicated = env.replicated === true;
    const log = env.executions;
    const geo = kvGeometryOf(p, replicated);
    const memBytes = p.num('vm.memoryMiB') * 1024 * 1024;
    if (geo.endByte > memBytes)
      throw new InputError('vm.memoryMiB', `the store needs ${(geo.endByte / 2 ** 20).toFixed(1)} MiB for ${records} records of ${valueBytes} bytes`, `≥ ${Math.ceil(geo.endByte / 2 ** 20)}`);
    // The guest kernel's network buffers sit at the top of memory (lib/vm/net-buffers.ts): the table
    // stays below them, so traffic never writes a page of it.
    const netBytes = p.num('vm.netBufferMiB') * 1024 * 1024;
    if (geo.endByte > memBytes - netBytes)
      throw new InputError('vm.netBufferMiB', `the store (${(geo.endByte / 2 ** 20).toFixed(1)} MiB) and the network buffers do not fit vm.memoryMiB = ${p.num('vm.memoryMiB')}`, `≤ ${Math.floor((memBytes - geo.endByte) / 2 ** 20)}`);
    const table = new KvTable(geo);
    const cpuNs = p.num('workload.requestCpuUs') * 1000;
    let vm: VM | null = null;
    let server: RpcServer | null = null;

    // Requests accepted and not yet answered: guest state a checkpoint carries (the vCPU's job
    // queue is not in the image, and the TCP stack would drop the clients' retransmissions of
    // requests it had accepted), re-submitted when the guest is restored from a checkpoint.
    type Pending = { readonly body: unknown; readonly reply: (bytes: number, body: unknown) => void };
    let pending = new Map<number, Pending>();
    let nextPending = 0;

    // Execute a request against the memory the VM has when its CPU work completes (after a
    // switch, the image it was given).
    // A replicated store gets each request with its position in the total order (its version).
    const execute = (body: unknown): KvReply => {
      if (isOrderedRequest(body)) {
        log?.executed(body.request, body.position);
        return executeKv(table, vm!.memory, body.request as KvRequest, body.position);
      }
      log?.executed(body);
      return executeKv(table, vm!.memory, body as KvRequest);
    };
    const submit = (id: number, job: Pending): void => {
      vm!.vcpu.submit(cpuNs, () => {
        if (!pending.delete(id)) return;
        const r = execute(job.body);
        job.reply(RPC_HEADER_BYTES + (r.value?.length ?? 0), r);
      });
    };
    const serve = (body: unknown, reply: (bytes: number, body: unknown) => void): void => {
      const id = nextPending++;
      const job: Pending = { body, reply };
      pending.set(id, job);
      submit(id, job);
    };

    const guest: GuestDefinition<KvGuestState<Pending>> & { readonly table: KvTable } = {
      table,
      contentBacked: true,
      start(v) {
        vm = v;
        // Load phase (YCSB "load"): format the table and insert every record at version 0.
        loadKv(table, v.memory, records);
        server = new RpcServer(v);
        server.serve(serve);
      },
      advance() {
        // No background writes: every page write comes from a request.
      },
      // The store's data is in memory; outside it only the TCP stack's connection state and the
      // requests in progress.
      snapshot: () => ({ rpc: server?.snapshot() ?? null, pending: [...pending], executed: log?.length ?? 0 }),
      restore(st) {
        if (st.rpc !== null) server?.restore(st.rpc);
        log?.rollback(st.executed);
        pending = new Map(st.pending);
        for (const [id, job] of pending) submit(id, job);
      },
      // What the store does is measured by its clients: no metrics of its own.
    };
    return guest;
  },
  clients(env) {
    const p = env.params;
    const rpc = new RpcClients(env.network, env.service, p.num('workload.clients'));
    const kv = new KvClients({
      sim: env.sim,
      rng: env.rng,
      rpc,
      clients: p.num('workload.clients'),
      records: p.num('workload.records'),
      keyBytes: p.num('workload.keyBytes'),
      valueBytes: p.num('workload.valueBytes'),
      readProportion: p.num('workload.readProportion'),
      rmwProportion: p.num('workload.rmwProportion'),
      orderVersions: env.replicated === true,
      zipfS: p.num('workload.zipfS'),
      thinkNs: p.num('workload.thinkMs') * 1e6,
      ...(env.accepted === undefined ? {} : { onAccepted: (req: KvRequest, reply: KvReply) => env.accepted!.accept(req, reply) }),
    });
    const population: ClientDefinition & Pick<KvstorePopulation, 'kv' | 'rpc'> = {
      kv,
      rpc,
      start: () => kv.start(),
      metrics(endNs): Record<string, number | boolean> {
        const secs = endNs / 1e9;
        const wrong = kv.corruptReplies + kv.staleReads;
        // Latency quantiles of no reply are left out, not reported as 0.
        const latency: Record<string, number> = kv.latencyMs.count > 0 ? { latencyMsP50: kv.latencyMs.quantile(0.5), latencyMsP99: kv.latencyMs.quantile(0.99) } : {};
        return {
          throughputOpsPerS: secs > 0 ? kv.completed / secs : 0,
          ...latency,
          opsCompleted: kv.completed,
          reads: kv.reads,
          updates: kv.updates,
          rmws: kv.rmws,
          unansweredRequests: kv.unanswered(endNs),
          clientOutageMs: kv.outageMs(endNs),
          wrongReplies: wrong,
          corruptReplies: kv.corruptReplies,
          staleReads: kv.staleReads,
          retransmissions: rpc.retransmissions,
          brokenConnections: kv.failed,
        };
      },
      invariants: () => ({
        repliesConsistent: kv.corruptReplies === 0,
        noLostAckedWrite: kv.staleReads === 0,
      }),
    };
    return population;
  },
});

/** The table layout the parameters give (a replicated store keeps each write's client id too). */
function kvGeometryOf(p: { num(key: string): number }, replicated: boolean): ReturnType<typeof kvGeometry> {
  return kvGeometry(p.num('workload.records'), p.num('workload.keyBytes'), p.num('workload.valueBytes'), p.num('vm.pageKiB') * 1024, replicated);
}


/** What a checkpoint of the kvstore guest carries besides memory: connections, requests in progress, the execution count. */
interface KvGuestState<P> {
  readonly rpc: RpcServerState | null;
  readonly pending: Array<[number, P]>;
  readonly executed: number;
}

/** The kvstore's guest program, with its table exposed for tests. */
export type KvstoreGuest = GuestInstance & { readonly table: KvTable };

/** The kvstore's client population, with its verifying sessions and transport exposed for tests. */
export type KvstorePopulation = ClientPopulation & { readonly kv: KvClients; readonly rpc: RpcClients };
