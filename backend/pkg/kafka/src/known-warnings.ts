/**
 * kafkajs 2.2.4, its last release, arms a timer with `throttledUntil - Date.now()` while
 * `throttledUntil` is still -1 (kafkajs issue #1751). Node 23 and later warn about the negative
 * delay on stderr; like Node 20, which said nothing, they wait 1 ms instead. Harmless: services pass
 * this to `logProcessWarnings` (@pkg/logger) so that it is logged at debug level.
 */
export function isKafkajsNegativeTimeout(warning: Error): boolean {
  return (
    warning.name === 'TimeoutNegativeWarning' &&
    (warning.stack ?? '').includes('/kafkajs/src/network/requestQueue/')
  );
}
