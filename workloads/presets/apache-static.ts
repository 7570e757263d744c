import { ClosedLoopClients, TcpServer } from '../../lib/net/index.js';
import { quantile } from '../../lib/metrics/index.js';
import { InputError, numberParam } from '../../lib/params/index.js';
import { vmPages } from '../workload.js';
import { WritePattern, type WritePatternState } from '../write-pattern.js';
import { type GuestDefinition, defineWorkload } from '../define-workload.js';

/** What a checkpoint of the server carries besides memory. */
interface ApacheState {
  readonly pattern: WritePatternState;
  readonly served: number;
}

/**
 * Apache serving static files (Clark et al. §6.2, fig. 8): 100 clients, each requesting a 512 KB
 * file as soon as the previous one arrived, over the server's gigabit NIC.
 *
 * The server is CPU-bound: each request costs `cpuUsPerRequest` of its vCPU (HTTP parsing,
 * sendfile, the TCP stack and the netfront path), fitted so that the unmigrated server delivers
 * Clark's ≈ 870 Mbit/s — below the NIC's ≈ 940 Mbit/s of goodput. During a migration over the
 * same NIC, domain 0 copies and sends pages on the guest's core (`host.sharedCpu=true`), and the
 * guest loses that CPU share: fig. 8's drop to ≈ 765 Mbit/s (docs/design.md#network-hosts-and-clients). Each request also
 * dirties a few pages (socket buffers, the log, Apache's heap) in a buffer region.
 */
export const apacheStatic = defineWorkload({
  name: 'apache-static',
  from: 'Clark fig. 8',
  description: 'Apache serving 512 KB static files to 100 concurrent clients over gigabit Ethernet',
  params: [
    numberParam('workload.clients', 100, 'concurrent clients, each with one request outstanding (Clark §6.2: 100)', { min: 1, integer: true, max: 10_000 }),
    numberParam('workload.fileKiB', 512, 'size of every file served, KiB (Clark §6.2: 512 KB)', { positive: true }),
    numberParam('workload.requestBytes', 300, 'bytes of an HTTP GET request', { positive: true }),
    numberParam('workload.cpuUsPerRequest', 4820, 'guest CPU per request, µs (fitted: 870 Mbit/s unmigrated, Clark fig. 8)', { positive: true }),
    numberParam('workload.pagesPerRequest', 8, 'pages written per request (socket buffers, log, heap)', { min: 0, integer: true }),
    numberParam('workload.bufferMiB', 64, 'region those writes fall in, MiB', { positive: true }),
  ],
  // Apache sends its static files with sendfile (EnableSendfile, on by default in Apache 2.0/2.2)
  // from the page cache: the bytes it serves are not copied through guest memory.
  defaults: { 'vm.memoryMiB': 800, 'run.durationS': 120, 'host.sharedCpu': true, 'vm.netCopiedShare': 0 },
  guest(env): GuestDefinition<ApacheState> {
    const p = env.params;
    const pageKiB = p.num('vm.pageKiB');
    const memPages = vmPages(p);
    const bufferPages = Math.max(1, Math.round((p.num('workload.bufferMiB') * 1024) / pageKiB));
    const base = Math.round((16 * 1024) / pageKiB); // above the kernel's first 16 MiB
    if (base + bufferPages > memPages)
      throw new InputError('workload.bufferMiB', `${p.num('workload.bufferMiB')} MiB does not fit vm.memoryMiB = ${p.num('vm.memoryMiB')}`, `≤ ${p.num('vm.memoryMiB') - 16}`);
    const fileBytes = Math.round(p.num('workload.fileKiB') * 1024);
    const cpuNs = Math.round(p.num('workload.cpuUsPerRequest') * 1000);
    const perRequest = p.num('workload.pagesPerRequest');
    const pattern = new WritePattern({ base, pages: bufferPages, locality: 'uniform' }, env.rng);
    let served = 0;
    return {
      start(v) {
        const server = new TcpServer(v.nic);
        v.nic.onReceive((pkt) => {
          const req = server.accept(pkt);
          if (req === null) return;
          v.vcpu.submit(cpuNs, () => {
            if (perRequest > 0) pattern.write(v.memory, perRequest);
            served++;
            server.reply(req, fileBytes);
          });
        });
      },
      advance() {
        // All work is request handling (vCPU jobs, above).
      },
      snapshot: () => ({ pattern: pattern.snapshot(), served }),
      restore(st) {
        pattern.restore(st.pattern);
        served = st.served;
      },
      metrics: (endNs): Record<string, number> => ({ throughputOpsPerS: served / (endNs / 1e9) }),
    };
  },
  clients(env) {
    const p = env.params;
    const fileBytes = Math.round(p.num('workload.fileKiB') * 1024);
    let bytesDelivered = 0;
    const clients = new ClosedLoopClients(env.network, {
      rng: env.rng,
      service: env.service,
      sessions: p.num('workload.clients'),
      thinkMeanNs: 0,
      request: () => ({ bytes: p.num('workload.requestBytes') }),
      onDone: (r) => {
        if (r.status === 'done') bytesDelivered += fileBytes;
      },
    });
    return {
      start: () => clients.start(),
      metrics(endNs): Record<string, number> {
        const s = endNs / 1e9;
        const out: Record<string, number> = { throughputMbps: (bytesDelivered * 8) / 1e6 / s };
        const lat = clients.log.latenciesMs();
        if (lat.length > 0) {
          out.latencyMsP50 = quantile(lat, 0.5);
          out.latencyMsP99 = quantile(lat, 0.99);
        }
        // TCP clients resend what was lost in a switch; a failed request is a broken connection.
        out.retransmissions = clients.log.retransmits;
        out.failedRequests = clients.log.failed;
        return out;
      },
    };
  },
});
