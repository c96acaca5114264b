export interface EventuallyOptions {
  /** Upper bound for the whole wait; the assertion's last error is rethrown after it. */
  timeoutMs?: number;
  intervalMs?: number;
  message?: string;
}

/**
 * Polls `probe` until it returns without throwing (and not `false`/`undefined`), bounded by `timeoutMs`.
 * Tests wait on outcomes with this instead of sleeping a fixed time.
 */
export async function eventually<T>(
  probe: () => T | Promise<T>,
  { timeoutMs = 15_000, intervalMs = 100, message }: EventuallyOptions = {},
): Promise<Exclude<T, false | undefined>> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== false && value !== undefined) return value as Exclude<T, false | undefined>;
      lastError = new Error('condition not met yet');
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const reason = lastError instanceof Error ? lastError.message : String(lastError);
      throw new Error(`${message ?? 'condition'} not met within ${timeoutMs} ms: ${reason}`, {
        cause: lastError,
      });
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

let counter = 0;
/** A unique, readable id for one scenario's data, so scenarios never depend on each other. */
export function uniqueId(prefix = 'test'): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${process.pid.toString(36)}-${counter}-${Math.random().toString(36).slice(2, 8)}`;
}
