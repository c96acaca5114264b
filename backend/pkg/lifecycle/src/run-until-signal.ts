// The end of every service's main.ts: wait for SIGTERM/SIGINT, run the stop steps in order (the
// service first, then whatever must outlive it, e.g. the telemetry flush that exports the service's
// last spans), and exit 0, or exit 1 when a step fails or the whole stop exceeds its bound.
// An orchestrator sends SIGKILL after its own grace period; our bound should be shorter, so the
// process exits on its own terms and says why.

/** The part of a logger this needs; structural, so it works with winston and with test sinks. */
export interface LifecycleLogger {
  info(message: string, meta?: Record<string, unknown>): unknown;
  error(message: string, meta?: Record<string, unknown>): unknown;
}

export interface RunUntilSignalOptions {
  /** Run in this order after a signal; a failing step stops the sequence. */
  stopSteps: readonly (() => Promise<void>)[];
  /** Exit 1 if the steps have not finished within this many milliseconds. */
  timeoutMs: number;
  logger: LifecycleLogger;
  signals?: readonly NodeJS.Signals[];
  /** Injected for tests; default process.exit. */
  exit?: (code: number) => void;
  /** Injected for tests; default the real process. */
  process?: Pick<NodeJS.Process, 'once'>;
}

/** Registers the handlers and returns; resolves the returned promise with the exit code once stopped. */
export function runUntilSignal({
  stopSteps,
  timeoutMs,
  logger,
  signals = ['SIGTERM', 'SIGINT'],
  exit = (code) => process.exit(code),
  process: target = process,
}: RunUntilSignalOptions): Promise<number> {
  let stopping: Promise<number> | undefined;
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      // A second signal (an impatient Ctrl-C) must not start a second stop.
      stopping ??= runSteps(signal).then((code) => {
        resolve(code);
        exit(code);
        return code;
      });
    };
    const runSteps = async (signal: NodeJS.Signals): Promise<number> => {
      logger.info('shutting down', { signal, bound_ms: timeoutMs });
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<number>((done) => {
        timer = setTimeout(() => {
          logger.error('shutdown exceeded its bound; exiting anyway', { bound_ms: timeoutMs });
          done(1);
        }, timeoutMs);
        // Not unref'd: the bound must fire even if nothing else keeps the event loop alive.
      });
      const steps = (async () => {
        try {
          for (const step of stopSteps) await step();
          return 0;
        } catch (error) {
          logger.error('shutdown failed', { error: error instanceof Error ? error.message : String(error) });
          return 1;
        }
      })();
      try {
        return await Promise.race([steps, deadline]);
      } finally {
        clearTimeout(timer);
      }
    };
    for (const signal of signals) target.once(signal, () => stop(signal));
  });
}
