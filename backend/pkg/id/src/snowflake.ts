import {
  assertNodeId,
  DEFAULT_EPOCH_MS,
  MAX_SEQUENCE,
  MAX_TIMESTAMP,
  NODE_ID_SHIFT,
  TIMESTAMP_SHIFT,
} from './layout.js';

export interface SnowflakeOptions {
  /** 0–1023, unique among the processes generating ids at the same time (see `resolveNodeId`). */
  nodeId: number;
  /** Defaults to `DEFAULT_EPOCH_MS`; must match wherever ids are decoded. */
  epochMs?: number;
  /** Milliseconds since the Unix epoch; injected so tests control time. Defaults to `Date.now`. */
  clock?: () => number;
  /**
   * How far the clock may step backwards (NTP slew, VM migration) before `next()` gives up.
   * Within the bound the generator waits for the clock to catch up, since issuing ids from the
   * past could repeat ones already handed out. Default 10 ms.
   */
  maxClockRollbackMs?: number;
}

/** The clock went further back than `maxClockRollbackMs`: ids cannot be issued safely. */
export class ClockMovedBackwardsError extends Error {
  override readonly name = 'ClockMovedBackwardsError';

  constructor(
    readonly lastTimestampMs: number,
    readonly nowMs: number,
  ) {
    super(
      `clock moved backwards by ${lastTimestampMs - nowMs} ms (last id at ${lastTimestampMs}, now ${nowMs})`,
    );
  }
}

/** Anything that hands out ids; services depend on this, tests pass a fake. */
export interface IdGenerator {
  next(): string;
}

/**
 * Generates 64-bit, time-ordered, unique ids without coordination: uniqueness comes from the
 * node id (one per process) plus a per-millisecond sequence. Up to 4,096 ids per millisecond per
 * node; beyond that `next()` waits for the next millisecond.
 */
export class Snowflake implements IdGenerator {
  readonly nodeId: number;
  readonly epochMs: number;
  readonly #clock: () => number;
  readonly #maxClockRollbackMs: number;
  /** Node id already shifted into place, so `nextBigInt` only adds the time and sequence parts. */
  readonly #nodeBits: bigint;
  #lastTimestamp = -1;
  #sequence = 0;

  constructor({
    nodeId,
    epochMs = DEFAULT_EPOCH_MS,
    clock = Date.now,
    maxClockRollbackMs = 10,
  }: SnowflakeOptions) {
    assertNodeId(nodeId);
    if (!Number.isSafeInteger(epochMs) || epochMs < 0) {
      throw new RangeError(`epochMs must be a non-negative integer, got ${String(epochMs)}`);
    }
    if (!Number.isFinite(maxClockRollbackMs) || maxClockRollbackMs < 0) {
      throw new RangeError(
        `maxClockRollbackMs must be a non-negative number, got ${String(maxClockRollbackMs)}`,
      );
    }
    this.nodeId = nodeId;
    this.epochMs = epochMs;
    this.#clock = clock;
    this.#maxClockRollbackMs = maxClockRollbackMs;
    this.#nodeBits = BigInt(nodeId << NODE_ID_SHIFT);
  }

  /** The next id as a decimal string: JSON-safe, unlike a number above 2^53. */
  next(): string {
    return this.nextBigInt().toString();
  }

  nextBigInt(): bigint {
    let timestamp = this.#timestamp();

    if (timestamp < this.#lastTimestamp) {
      timestamp = this.#waitForClockToCatchUp(timestamp);
    }

    if (timestamp === this.#lastTimestamp) {
      if (this.#sequence === MAX_SEQUENCE) {
        // All 4,096 ids of this millisecond are used: the only safe source of new ids is time.
        timestamp = this.#spinUntilAfter(this.#lastTimestamp);
        this.#sequence = 0;
      } else {
        this.#sequence += 1;
      }
    } else {
      this.#sequence = 0;
    }
    this.#lastTimestamp = timestamp;

    // Only the timestamp needs 64-bit arithmetic; node id and sequence fit in 22 bits of a number.
    return (BigInt(timestamp) << BigInt(TIMESTAMP_SHIFT)) | this.#nodeBits | BigInt(this.#sequence);
  }

  #timestamp(): number {
    const timestamp = Math.floor(this.#clock()) - this.epochMs;
    if (timestamp < 0 || timestamp > MAX_TIMESTAMP) {
      throw new RangeError(
        `clock ${this.#clock()} is outside the 41-bit range of epoch ${new Date(this.epochMs).toISOString()}`,
      );
    }
    return timestamp;
  }

  #waitForClockToCatchUp(now: number): number {
    if (this.#lastTimestamp - now > this.#maxClockRollbackMs) {
      throw new ClockMovedBackwardsError(this.#lastTimestamp + this.epochMs, now + this.epochMs);
    }
    // A small step back is usually NTP correcting a fast clock; waiting it out keeps ids ordered.
    let timestamp = now;
    while (timestamp < this.#lastTimestamp) timestamp = this.#timestamp();
    return timestamp;
  }

  #spinUntilAfter(last: number): number {
    // Busy-wait rather than sleep: the wait is under 1 ms and `next()` stays synchronous.
    let timestamp = this.#timestamp();
    while (timestamp <= last) timestamp = this.#timestamp();
    return timestamp;
  }
}
