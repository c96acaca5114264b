import { DEFAULT_EPOCH_MS, MAX_NODE_ID, MAX_SEQUENCE, NODE_ID_SHIFT, TIMESTAMP_SHIFT } from './layout.js';

export interface DecodedSnowflake {
  /** Milliseconds since the Unix epoch (not since the Snowflake epoch). */
  timestampMs: number;
  nodeId: number;
  sequence: number;
}

const MAX_ID = 2n ** 63n - 1n;
// Canonical form only: no sign, no leading zeros, so two equal ids are always equal strings.
const DECIMAL = /^(0|[1-9][0-9]{0,18})$/;

/**
 * True for a decimal string a Snowflake could produce: 1–19 digits in canonical form whose value
 * fits in a signed 64-bit integer (top bit 0). Use it to validate ids arriving over HTTP before
 * they reach a `bigint` column.
 */
export function isSnowflakeId(value: string): boolean {
  return typeof value === 'string' && DECIMAL.test(value) && BigInt(value) <= MAX_ID;
}

/** Splits an id back into its parts; `epochMs` must be the one the generator used. */
export function decode(id: string | bigint, epochMs: number = DEFAULT_EPOCH_MS): DecodedSnowflake {
  const value = toBigInt(id);
  return {
    timestampMs: Number(value >> BigInt(TIMESTAMP_SHIFT)) + epochMs,
    nodeId: Number((value >> BigInt(NODE_ID_SHIFT)) & BigInt(MAX_NODE_ID)),
    sequence: Number(value & BigInt(MAX_SEQUENCE)),
  };
}

function toBigInt(id: string | bigint): bigint {
  if (typeof id === 'bigint') {
    if (id < 0n || id > MAX_ID) throw new RangeError(`not a Snowflake id: ${id} is outside 0..2^63-1`);
    return id;
  }
  if (!isSnowflakeId(id)) throw new TypeError(`not a Snowflake id: ${JSON.stringify(id)}`);
  return BigInt(id);
}
