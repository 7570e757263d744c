/**
 * A clean stop on Ctrl-C and on SIGTERM (what Slurm and Kubernetes send before killing): both abort
 * `signal`; the first signal received decides the exit code (130 for SIGINT, 143 for SIGTERM, as a
 * shell reports them). `dispose()` removes the handlers.
 */
export interface Interrupt {
  readonly signal: AbortSignal;
  /** The first signal received, if any. */
  readonly received: NodeJS.Signals | undefined;
  /** 143 after SIGTERM, 130 otherwise. */
  exitCode(): number;
  dispose(): void;
}

export function onInterrupt(): Interrupt {
  const stop = new AbortController();
  let received: NodeJS.Signals | undefined;
  const onSignal = (name: NodeJS.Signals): void => {
    received ??= name;
    stop.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return {
    signal: stop.signal,
    get received() {
      return received;
    },
    exitCode: () => (received === 'SIGTERM' ? 143 : 130),
    dispose() {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
    },
  };
}
