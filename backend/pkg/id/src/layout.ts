/**
 * Bit layout of a Snowflake id, most significant first:
 *
 *   0 | 41-bit milliseconds since the epoch | 10-bit node id | 12-bit sequence
 *
 * The top bit stays 0 so every id fits a signed 64-bit integer (PostgreSQL `bigint`, Java `long`,
 * Kafka keys read by other languages) and sorts by creation time as a number.
 */
export const TIMESTAMP_BITS = 41;
export const NODE_ID_BITS = 10;
export const SEQUENCE_BITS = 12;

export const MAX_NODE_ID = (1 << NODE_ID_BITS) - 1; // 1023
export const MAX_SEQUENCE = (1 << SEQUENCE_BITS) - 1; // 4095
/** 2^41 - 1 ms: about 69.7 years after the epoch. */
export const MAX_TIMESTAMP = 2 ** TIMESTAMP_BITS - 1;

export const NODE_ID_SHIFT = SEQUENCE_BITS;
export const TIMESTAMP_SHIFT = NODE_ID_BITS + SEQUENCE_BITS;

/**
 * 2024-01-01T00:00:00.000Z. A recent epoch keeps ids short and leaves the 41-bit timestamp room
 * until 2093. Every service that decodes ids must use the same epoch, so change it only for a new
 * id space, never for a running system.
 */
export const DEFAULT_EPOCH_MS: number = Date.UTC(2024, 0, 1);

export function assertNodeId(nodeId: number): void {
  if (!Number.isInteger(nodeId) || nodeId < 0 || nodeId > MAX_NODE_ID) {
    throw new RangeError(`node id must be an integer from 0 to ${MAX_NODE_ID}, got ${String(nodeId)}`);
  }
}
