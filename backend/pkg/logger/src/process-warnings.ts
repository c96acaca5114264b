import type { Logger } from './logger.js';

/** Recognises a warning known to be harmless: it is logged at debug level instead of warn. */
export type KnownWarning = (warning: Error) => boolean;

/**
 * Sends Node's process warnings (deprecations, experimental features, negative timers, …) to the
 * JSON log instead of Node's plain text on stderr, so a log pipeline sees them as `warn` lines
 * with the service's fields and a stack that names their source. Warnings one of `known`
 * recognises are logged at `debug`. Call once in main.ts, as soon as the logger exists. Returns a
 * function that gives the warnings back to Node's own printer.
 */
export function logProcessWarnings(logger: Logger, known: readonly KnownWarning[] = []): () => void {
  const previous = process.listeners('warning');
  process.removeAllListeners('warning');
  const onWarning = (warning: Error) => {
    const level = known.some((isKnown) => isKnown(warning)) ? 'debug' : 'warn';
    logger.log(level, 'process warning', {
      warning: warning.name,
      detail: warning.message,
      stack: warning.stack,
    });
  };
  process.on('warning', onWarning);
  return () => {
    process.off('warning', onWarning);
    for (const listener of previous) process.on('warning', listener);
  };
}
