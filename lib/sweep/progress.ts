import cliProgress from 'cli-progress';
import type { SweepRow } from './row.js';

/** Reported when a sweep starts and after every finished point. */
export interface SweepProgress {
  /** Points this session runs (this shard's points not already in the store). */
  readonly total: number;
  readonly done: number;
  readonly ok: number;
  /** error + timeout */
  readonly failed: number;
  readonly errors: number;
  readonly timeouts: number;
  /** Points of this shard already in the store (resumed), not counted in `total`. */
  readonly skipped: number;
  readonly running: number;
  readonly elapsedMs: number;
  /** Estimated time to finish; null until a point has finished. */
  readonly etaMs: number | null;
  /** The row just finished (absent in the first report). */
  readonly row?: SweepRow;
}

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

export interface ProgressReporter {
  readonly onProgress: (p: SweepProgress) => void;
  /** Finish the bar or print the last line. */
  readonly stop: () => void;
}

export interface ReporterOptions {
  readonly stream?: NodeJS.WriteStream | NodeJS.WritableStream;
  /** Default: whether `stream` is a terminal. */
  readonly tty?: boolean;
  /** Plain mode: at most one line per interval (default 10 s), plus the last. */
  readonly intervalMs?: number;
  readonly label?: string;
}

/**
 * A bar with counts, failures and ETA on a terminal; otherwise a plain line now and then, which
 * is what a CI log or a Slurm output file can hold.
 */
export function progressReporter(opts: ReporterOptions = {}): ProgressReporter {
  const stream = opts.stream ?? process.stderr;
  const tty = opts.tty ?? ('isTTY' in stream && stream.isTTY === true);
  const label = opts.label ?? 'sweep';
  if (tty) {
    const bar = new cliProgress.SingleBar(
      {
        stream: stream as NodeJS.WritableStream,
        format: `${label} {bar} {value}/{total} | failed {failed} | {duration_formatted} elapsed | ETA {eta_formatted}`,
        hideCursor: true,
        etaBuffer: 50,
      },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      onProgress: (p) => {
        if (!started) {
          bar.start(p.total, p.done, { failed: p.failed });
          started = true;
        } else bar.update(p.done, { failed: p.failed });
      },
      stop: () => {
        if (started) bar.stop();
      },
    };
  }
  const interval = opts.intervalMs ?? 10_000;
  let lastAt = -Infinity;
  let last: SweepProgress | undefined;
  let lastPrinted: SweepProgress | undefined;
  const line = (p: SweepProgress): void => {
    const eta = p.etaMs === null ? '' : `, ETA ${formatDuration(p.etaMs)}`;
    const skipped = p.skipped > 0 ? `, ${p.skipped} already in the store` : '';
    stream.write(`${label}: ${p.done}/${p.total} done, ${p.failed} failed, ${formatDuration(p.elapsedMs)} elapsed${eta}${skipped}\n`);
    lastPrinted = p;
  };
  return {
    onProgress: (p) => {
      last = p;
      if (p.elapsedMs - lastAt >= interval) {
        lastAt = p.elapsedMs;
        line(p);
      }
    },
    stop: () => {
      if (last !== undefined && last !== lastPrinted) line(last);
    },
  };
}
