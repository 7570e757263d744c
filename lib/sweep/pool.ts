import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { RunRequest } from '../scenario/result.js';
import type { PointOutcome } from './row.js';
import { compiledUrl, type ResolvedRunner } from './runner.js';
import type { WorkerData, WorkerTask } from './worker.js';

/** How long a worker may take to start and load the runner before a point's limit applies anyway. */
const STARTUP_ALLOWANCE_MS = 60_000;

/** What the pool reports for a point; `aborted` points are not recorded (they rerun on resume). */
export type PoolOutcome = PointOutcome | { readonly status: 'aborted' };

/**
 * A fixed-size piscina pool. The caller keeps at most `threads` points in flight, so a point's
 * time limit starts when it really starts rather than while it waits in a queue.
 */
export class PointPool {
  private readonly piscina: Piscina<WorkerTask, PointOutcome>;

  constructor(
    readonly threads: number,
    private readonly runner: ResolvedRunner,
  ) {
    const workerUrl = compiledUrl('worker.js');
    if (!existsSync(fileURLToPath(workerUrl)))
      throw new Error(`sweep worker ${fileURLToPath(workerUrl)} is missing — run \`npm run build\` first`);
    // min = max: no thread start-up in the middle of a sweep, and an aborted (killed) worker is
    // replaced at once.
    const workerData: WorkerData = { preload: { module: runner.href, exportName: runner.exportName } };
    this.piscina = new Piscina({ filename: workerUrl.href, minThreads: threads, maxThreads: threads, idleTimeout: 60_000, workerData });
  }

  /**
   * Run one point. A time limit aborts it (piscina terminates the thread, even in a busy loop) and
   * yields `timeout`; `signal` (the whole sweep stopping) yields `aborted`; anything else the worker
   * could not report itself (a crashed thread) is an `error`.
   */
  async run(request: RunRequest, timeLimitMs: number | undefined, signal?: AbortSignal): Promise<PoolOutcome> {
    if (signal?.aborted) return { status: 'aborted' };
    const ac = new AbortController();
    let start = performance.now();
    let timedOut = false;
    const expire = (): void => {
      timedOut = true;
      ac.abort();
    };
    // The limit counts from the moment the worker calls the runner, so a thread that is still
    // starting (after a timeout replaced it, on a loaded machine) does not eat a point's time.
    // A backstop from dispatch covers a worker that never gets that far. Without a limit no port
    // is needed: a channel per point costs more than a short point itself.
    const channel = timeLimitMs === undefined ? undefined : new MessageChannel();
    let timer: NodeJS.Timeout | undefined;
    const backstop = timeLimitMs === undefined ? undefined : setTimeout(expire, timeLimitMs + STARTUP_ALLOWANCE_MS);
    channel?.port1.once('message', () => {
      start = performance.now();
      if (timeLimitMs !== undefined) timer = setTimeout(expire, timeLimitMs);
    });
    const onStop = (): void => ac.abort();
    signal?.addEventListener('abort', onStop, { once: true });
    try {
      const task: WorkerTask =
        channel === undefined
          ? { module: this.runner.href, exportName: this.runner.exportName, request }
          : { module: this.runner.href, exportName: this.runner.exportName, request, started: channel.port2 };
      return await this.piscina.run(task, channel === undefined ? { signal: ac.signal } : { signal: ac.signal, transferList: [channel.port2] });
    } catch (e) {
      const wallMs = performance.now() - start;
      if (timedOut) return { status: 'timeout', wallMs, error: `exceeded the time limit of ${(timeLimitMs! / 1000).toString()} s` };
      if (signal?.aborted) return { status: 'aborted' };
      return { status: 'error', wallMs, error: `worker failed: ${e instanceof Error ? e.message : String(e)}` };
    } finally {
      clearTimeout(timer);
      clearTimeout(backstop);
      channel?.port1.close();
      signal?.removeEventListener('abort', onStop);
    }
  }

  async destroy(): Promise<void> {
    await this.piscina.destroy();
  }
}
