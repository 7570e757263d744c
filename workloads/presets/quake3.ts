import { DatagramClient } from '../../lib/net/index.js';
import { InputError, numberParam } from '../../lib/params/index.js';
import type { VM } from '../../lib/vm/index.js';
import { WritePattern, type WritePatternState } from '../write-pattern.js';
import { type GuestDefinition, defineWorkload } from '../define-workload.js';

const NS_PER_MS = 1e6;

/** Bytes of a client's command datagram and of a server snapshot (Quake 3 netcode: small, < MTU). */
export const QUAKE3_CLIENT_DATAGRAM_BYTES = 64;
export const QUAKE3_SNAPSHOT_BYTES = 512;

/** What a checkpoint of the server carries besides memory: its frame clock and write cursors. */
interface Quake3State {
  readonly frames: number;
  readonly carry: number;
  readonly rxCursor: number;
  readonly cursor: WritePatternState;
  readonly random: WritePatternState;
}

/**
 * A Quake 3 server with 6 players (Clark et al. §6.3, fig. 10–11). The server runs a frame every
 * 50 ms (sv_fps 20) while the guest runs — a paused guest's frame fires when it resumes — and each
 * frame sends a snapshot datagram to every client; each client sends its commands every 50 ms.
 * Datagrams are never retransmitted, so a migration shows as a gap in what clients receive
 * (`clientGapMs`: the longest silence minus the 50 ms period).
 *
 * Dirtying: each command datagram received writes a page of the NIC's receive ring (lib/vm) and
 * `pagesPerDatagram` pages of a receive-buffer pool (continuous in time: 6 clients × 20/s at their own phases); and per frame:
 *  - the hot set: game state and snapshot buffers, the same `hotPages` pages every frame;
 *  - the next pages of a sequential cursor over a log/heap region (allocations, the server log);
 *  - a few pages drawn uniformly from the writable working set (entities, sound, sockets).
 * Quantised frames are what let pre-copy end: a round shorter than a frame may see no frame at
 * all, so the next has fewer than 50 pages and Xen stops.
 *
 * Fitted to C1 (xen-classic, 64 MiB: 56.3, 20.4, 4.6, 1.6, 1.2, 0.9, 1.1, 1.2, 0.8, 0.2, 0.1 MiB;
 * 88 MiB in 11 rounds): the cursor speed (4.0 MiB/s) sets round 2 (what 4.5 s of round 1
 * dirtied) and the geometric decay after it, hence the total; the hot
 * set (30 pages) sets the size of the last rounds. See docs/migration.md for what is not matched.
 */
export const quake3 = defineWorkload({
  name: 'quake3',
  from: 'Clark fig. 10–11',
  description: 'Quake 3 server, 6 clients, a datagram every ~50 ms each way',
  params: [
    numberParam('workload.clients', 6, 'players (Clark §6.3: 6)', { min: 0, integer: true, max: 64 }),
    numberParam('workload.frameMs', 50, 'server frame and client command period, ms (Quake 3 sv_fps 20; at least 1 ms, sv_fps ≤ 1000)', { min: 1 }),
    numberParam('workload.hotPages', 30, 'pages of game state and snapshot buffers written every frame (fitted to C1)', { min: 0, integer: true }),
    numberParam('workload.cursorMiBPerS', 4.0, 'sequential writes over the log/heap region, MiB/s (fitted to C1)', { min: 0 }),
    numberParam('workload.cursorRegionMiB', 24, 'the log/heap region the cursor wraps around, MiB', { positive: true }),
    numberParam('workload.randomPagesPerFrame', 5, 'pages written uniformly over the working set per frame (fitted to C1)', { min: 0, integer: true }),
    numberParam('workload.pagesPerDatagram', 2, 'pages the guest kernel writes per client datagram received besides its receive-ring page (skb, socket buffer)', { min: 0, integer: true }),
    numberParam('workload.rxPoolPages', 256, 'receive-buffer pool those writes rotate through, pages', { min: 1, integer: true }),
    numberParam('workload.workingSetMiB', 40, 'writable working set (hot set, cursor region and the rest), MiB', { positive: true }),
  ],
  // The memory the server writes to produce its snapshots is its hot set (game state, snapshot
  // buffers): of the network buffers (lib/vm/net-buffers.ts) only the receive ring and the socket
  // buffers are its traffic's, not the served-bytes stream of a web server.
  defaults: { 'vm.memoryMiB': 64, 'run.durationS': 60, 'host.sharedCpu': false, 'vm.netCopiedShare': 0 },
  guest(env): GuestDefinition<Quake3State> {
    const p = env.params;
    const sim = env.sim;
    const pageKiB = p.num('vm.pageKiB');
    const pages = (mib: number): number => Math.max(1, Math.round((mib * 1024) / pageKiB));
    const memPages = pages(p.num('vm.memoryMiB'));
    const wsPages = pages(p.num('workload.workingSetMiB'));
    const hot = p.num('workload.hotPages');
    const cursorPages = pages(p.num('workload.cursorRegionMiB'));
    if (wsPages > memPages || hot + cursorPages > wsPages)
      throw new InputError('workload.workingSetMiB', 'the hot set and the cursor region must fit the working set, and the working set vm.memoryMiB', 'hotPages + cursorRegionMiB ≤ workingSetMiB ≤ vm.memoryMiB');
    // Layout: the kernel's first 4 MiB, then the hot set, the cursor region, the rest of the set.
    const base = Math.min(memPages - wsPages, pages(4));
    const frameNs = Math.round(p.num('workload.frameMs') * NS_PER_MS);
    const cursorPerFrame = ((p.num('workload.cursorMiBPerS') * 1024) / pageKiB) * (frameNs / 1e9);
    const randomPerFrame = p.num('workload.randomPagesPerFrame');
    const cursor = new WritePattern({ base: base + hot, pages: cursorPages, locality: 'sequential' }, env.rng);
    const random = new WritePattern({ base, pages: wsPages, locality: 'uniform' }, env.rng);
    const nClients = p.num('workload.clients');
    // Receive buffers sit above the working set; each datagram received writes the next ones.
    const perDatagram = p.num('workload.pagesPerDatagram');
    const rxPool = p.num('workload.rxPoolPages');
    const rxBase = base + wsPages;
    if (rxBase + rxPool > memPages) throw new InputError('workload.rxPoolPages', `the receive pool does not fit above the working set in vm.memoryMiB`, `≤ ${memPages - rxBase}`);
    let rxCursor = 0;
    // The server's frame clock has its own phase (each client's too: see `clients`).
    const phase = Math.floor(env.rng.next() * frameNs);
    let carry = 0;
    let frames = 0;
    let vm: VM | null = null;

    const writeFrame = (mem: VM['memory']): void => {
      if (hot > 0) mem.writeRange(base, hot);
      const c = carry + cursorPerFrame;
      const n = Math.floor(c);
      carry = c - n;
      if (n > 0) cursor.write(mem, n);
      if (randomPerFrame > 0) random.write(mem, randomPerFrame);
    };
    const frame = (): void => {
      const v = vm!;
      frames++;
      writeFrame(v.memory);
      for (let c = 0; c < nClients; c++) v.nic.send({ bytes: QUAKE3_SNAPSHOT_BYTES, client: c, kind: 'datagram' });
      sim.schedule(frameNs, tick);
    };
    // A guest timer: it fires late (at resume) while the VM is paused, never after a crash.
    const tick = (): void => vm!.whenRunning(frame);

    return {
      start(v) {
        vm = v;
        // The kernel takes each command datagram into a receive buffer; the server applies it at
        // its next frame (those pages are the hot set).
        v.nic.onReceive(() => {
          for (let k = 0; k < perDatagram; k++) {
            v.memory.write(rxBase + rxCursor);
            rxCursor = rxCursor + 1 === rxPool ? 0 : rxCursor + 1;
          }
        });
        sim.schedule(phase, tick);
      },
      advance() {
        // Dirtying happens in frames (above), on the server's timer.
      },
      snapshot: () => ({ frames, carry, rxCursor, cursor: cursor.snapshot(), random: random.snapshot() }),
      restore(st) {
        rxCursor = st.rxCursor;
        frames = st.frames;
        carry = st.carry;
        cursor.restore(st.cursor);
        random.restore(st.random);
      },
      metrics: (endNs): Record<string, number> => ({ framesPerS: frames / (endNs / 1e9) }),
    };
  },
  clients(env) {
    const p = env.params;
    const frameNs = Math.round(p.num('workload.frameMs') * NS_PER_MS);
    const nClients = p.num('workload.clients');
    // Each player's command clock has its own phase; player c is the service's client number c.
    const phases = Array.from({ length: nClients }, () => Math.floor(env.rng.next() * frameNs));
    const players = phases.map(() => new DatagramClient(env.network, { service: env.service }));
    return {
      start() {
        players.forEach((c, i) => c.sendEvery(frameNs, QUAKE3_CLIENT_DATAGRAM_BYTES, phases[i]! + 1));
      },
      // The longest silence any player saw, beyond the frame period.
      metrics(endNs): Record<string, number> {
        if (players.length === 0) return {};
        let gap = 0;
        for (const c of players) gap = Math.max(gap, c.received.longestGapNs(endNs));
        return { clientGapMs: Math.max(0, gap - frameNs) / 1e6 };
      },
    };
  },
});
