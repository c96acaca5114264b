// What service __name__ does with one message: the part worth unit-testing, free of Kafka.
// Replace it with your own logic; keep it a function of the message alone.

export type Outcome = { outcome: 'handled'; id: string } | { outcome: 'rejected'; reason: string };

/** A message is a JSON object with a non-empty string `id`; anything else is rejected, never retried. */
export function handleMessage(value: Buffer | null): Outcome {
  if (value === null) return { outcome: 'rejected', reason: 'empty message' };
  let event: unknown;
  try {
    event = JSON.parse(value.toString('utf8'));
  } catch {
    return { outcome: 'rejected', reason: 'not JSON' };
  }
  const id = (event as { id?: unknown } | null)?.id;
  if (typeof id !== 'string' || id === '') return { outcome: 'rejected', reason: 'no string id' };
  return { outcome: 'handled', id };
}
