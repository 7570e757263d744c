import { InputError, numberParam } from '../../lib/params/index.js';
import type { VM } from '../../lib/vm/index.js';
import { KvClients, type KvReply, type KvRequest } from '../kvstore/clients.js';
import { RPC_HEADER_BYTES, connectRpc, type Rpc } from '../kvstore/rpc.js';
import { KvTable, keyOf, kvGeometry, valueOf } from '../kvstore/table.js';
import type { WorkloadInstance, WorkloadPreset } from '../workload.js';

/**
 * Guest CPU per request (µs): receive, parse, hash lookup, copy, reply through a paravirtual NIC.
 * Estimate for a small in-memory store on a 2008-era core (memcached serves ≈ 10⁵ small requests
 * per second per core natively; the Xen network path costs several times more).
 */
export const KV_REQUEST_CPU_US = 50;

/**
 * A deterministic key-value store whose state lives in content-backed guest memory (an
 * open-addressing hash table of fixed-size slots, see workloads/kvstore/table.ts), serving a
 * YCSB-like mix (YCSB workload A by default: 50 % reads, 50 % updates, Zipf 0.99 popularity over
 * 1,000 records of 1,000 bytes — YCSB's core-workload defaults) to closed-loop TCP-like clients that
 * verify every reply (rules in workloads/kvstore/clients.ts). After a migration or failover it
 * answers from the bytes it received alone, so a dirty-tracking or output-commit bug shows up as
 * `wrongReplies` and a false `repliesConsistent` / `noLostAckedWrite`.
 */
export const kvstore: WorkloadPreset = {
  name: 'kvstore',
  from: '—',
  description: 'a deterministic key-value store with content-backed state and a YCSB-like client mix',
  params: [
    numberParam('workload.records', 1000, 'records in the store (YCSB recordcount default: 1,000)', { min: 1, max: 1 << 22, integer: true }),
    numberParam('workload.keyBytes', 24, 'key size in bytes ("user" + digits; YCSB keys are ≈ 23 bytes)', { min: 12, max: 250, integer: true }),
    numberParam('workload.valueBytes', 1000, 'value size in bytes (YCSB: 10 fields × 100 bytes)', { min: 1, max: 1 << 20, integer: true }),
    numberParam('workload.readProportion', 0.5, 'share of reads; the rest are updates (YCSB workload A: 0.5)', { min: 0, max: 1 }),
    numberParam('workload.zipfS', 0.99, 'Zipf exponent of key popularity (YCSB zipfian constant 0.99; 0 = uniform)', { min: 0, max: 5 }),
    numberParam('workload.clients', 8, 'closed-loop client sessions', { min: 1, max: 100_000, integer: true }),
    numberParam('workload.thinkMs', 10, 'mean think time between a reply and the next request (exponential), ms', { min: 0 }),
    numberParam('workload.requestCpuUs', KV_REQUEST_CPU_US, 'guest CPU per request, µs (estimate)', { min: 0 }),
  ],
  defaults: { 'vm.memoryMiB': 64, 'run.durationS': 30 },
  fixedWork: false,
  usesNetwork: true,
  contentBacked: true,
  create(env) {
    const p = env.params;
    const records = p.num('workload.records');
    const keyBytes = p.num('workload.keyBytes');
    const valueBytes = p.num('workload.valueBytes');
    const pageBytes = p.num('vm.pageKiB') * 1024;
    const geo = kvGeometry(records, keyBytes, valueBytes, pageBytes);
    const memBytes = p.num('vm.memoryMiB') * 1024 * 1024;
    if (geo.endByte > memBytes)
      throw new InputError('vm.memoryMiB', `the store needs ${(geo.endByte / 2 ** 20).toFixed(1)} MiB for ${records} records of ${valueBytes} bytes`, `≥ ${Math.ceil(geo.endByte / 2 ** 20)}`);
    const table = new KvTable(geo);
    const cpuNs = p.num('workload.requestCpuUs') * 1000;
    let vm: VM | null = null;
    let rpc: Rpc | null = null;
    let clients: KvClients | null = null;

    // Requests accepted and not yet answered: guest state a checkpoint carries (the vCPU's job
    // queue is not in the image, and the TCP stack would drop the clients' retransmissions of
    // requests it had accepted), re-submitted when the guest is restored from a checkpoint.
    type Pending = { readonly body: KvRequest; readonly reply: (bytes: number, body: unknown) => void };
    let pending = new Map<number, Pending>();
    let nextPending = 0;

    // Execute a request against the memory the VM has when its CPU work completes (after a
    // switch, the image it was given).
    const execute = (req: KvRequest): KvReply => {
      const mem = vm!.memory;
      if (req.op === 'read') {
        const rec = table.get(mem, req.key);
        return rec === null ? { found: false, version: -1 } : { found: true, version: rec.version, value: rec.value };
      }
      return { found: true, version: table.put(mem, req.key, req.version!, req.value!) };
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
      const job: Pending = { body: body as KvRequest, reply };
      pending.set(id, job);
      submit(id, job);
    };

    const instance: WorkloadInstance = {
      cpuBound: false,
      contentBacked: true,
      done: null,
      start(v) {
        vm = v;
        // Load phase (YCSB "load"): format the table and insert every record at version 0.
        table.format(v.memory);
        for (let k = 0; k < records; k++) table.put(v.memory, keyOf(k, keyBytes), 0, valueOf(k, 0, valueBytes));
        rpc = connectRpc(env.sim, env.network, v, p.num('workload.clients'), p);
        rpc.serve(serve);
        clients = new KvClients({
          sim: env.sim,
          rng: env.clientRng,
          rpc,
          clients: p.num('workload.clients'),
          records,
          keyBytes,
          valueBytes,
          readProportion: p.num('workload.readProportion'),
          zipfS: p.num('workload.zipfS'),
          thinkNs: p.num('workload.thinkMs') * 1e6,
        });
        clients.start();
      },
      advance() {
        // No background writes: every page write comes from a request.
      },
      // The store's data is in memory; outside it only the TCP stack's connection state and the
      // requests in progress.
      snapshot: () => ({ rpc: rpc?.snapshot() ?? null, pending: [...pending] }),
      restore(state) {
        const st = state as { rpc: unknown; pending: Array<[number, Pending]> };
        rpc?.restore(st.rpc);
        pending = new Map(st.pending);
        for (const [id, job] of pending) submit(id, job);
      },
      metrics(endNs): Record<string, number | boolean> {
        const secs = endNs / 1e9;
        if (clients === null || rpc === null) return {};
        const wrong = clients.corruptReplies + clients.staleReads;
        // Latency quantiles of no reply are left out, not reported as 0.
        const latency: Record<string, number> =
          clients.latencyMs.count > 0 ? { latencyMsP50: clients.latencyMs.quantile(0.5), latencyMsP99: clients.latencyMs.quantile(0.99) } : {};
        return {
          throughputOpsPerS: secs > 0 ? clients.completed / secs : 0,
          ...latency,
          opsCompleted: clients.completed,
          reads: clients.reads,
          updates: clients.updates,
          wrongReplies: wrong,
          corruptReplies: clients.corruptReplies,
          staleReads: clients.staleReads,
          retransmissions: rpc.retransmissions,
          brokenConnections: clients.failed,
        };
      },
      series: () => ({}),
      invariants: () => ({
        repliesConsistent: (clients?.corruptReplies ?? 0) === 0,
        noLostAckedWrite: (clients?.staleReads ?? 0) === 0,
      }),
    };
    // Exposed for tests and engines' property tests (clients and rpc exist once started).
    return Object.defineProperties(instance, {
      table: { value: table },
      clients: {
        get(): KvClients {
          if (clients === null) throw new Error('kvstore not started');
          return clients;
        },
      },
      rpc: {
        get(): Rpc {
          if (rpc === null) throw new Error('kvstore not started');
          return rpc;
        },
      },
    }) as KvstoreInstance;
  },
};

/** What `kvstore.create` returns, with its parts exposed for tests and engines' property tests (after start). */
export type KvstoreInstance = WorkloadInstance & { readonly table: KvTable; readonly clients: KvClients; readonly rpc: Rpc };
