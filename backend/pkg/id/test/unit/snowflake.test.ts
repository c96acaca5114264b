import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ClockMovedBackwardsError,
  decode,
  DEFAULT_EPOCH_MS,
  MAX_SEQUENCE,
  Snowflake,
} from '../../src/index.js';
import { FakeClock } from './fake-clock.js';

const T0 = Date.UTC(2025, 5, 1, 12, 0, 0);

describe('Snowflake', () => {
  it('gives two nodes disjoint ids for the same milliseconds', () => {
    const clock = new FakeClock(T0);
    const a = new Snowflake({ nodeId: 1, clock: clock.now });
    const b = new Snowflake({ nodeId: 2, clock: clock.now });
    const ids = new Set<string>();
    for (let ms = 0; ms < 5; ms++) {
      clock.set(T0 + ms);
      for (let i = 0; i < 1_000; i++) ids.add(a.next()).add(b.next());
    }
    assert.equal(ids.size, 10_000);
  });

  it('issues strictly increasing ids, across milliseconds and within one', () => {
    const clock = new FakeClock(T0);
    const generator = new Snowflake({ nodeId: 5, clock: clock.now });
    let previous = -1n;
    for (let ms = 0; ms < 3; ms++) {
      clock.set(T0 + ms);
      for (let i = 0; i < 100; i++) {
        const id = generator.nextBigInt();
        assert.ok(id > previous, `${id} should be greater than ${previous}`);
        previous = id;
      }
    }
  });

  it('waits for the next millisecond when the 4,096 ids of one are used up', () => {
    const clock = new FakeClock(T0);
    const generator = new Snowflake({ nodeId: 3, clock: clock.now });
    const ids = Array.from({ length: MAX_SEQUENCE + 1 }, () => generator.next());
    assert.equal(decode(ids.at(-1)!).sequence, MAX_SEQUENCE);

    // The clock stays put for a few more reads: the generator must keep reading, not reuse T0.
    clock.advanceAfter(5, T0 + 1);
    const readsBefore = clock.reads;
    const overflowed = decode(generator.next());

    assert.deepEqual(overflowed, { timestampMs: T0 + 1, nodeId: 3, sequence: 0 });
    assert.ok(clock.reads - readsBefore >= 5, 'spun on the clock until it moved');
    assert.equal(new Set(ids).size, ids.length);
  });

  it('waits out a clock step back within maxClockRollbackMs and stays ordered', () => {
    const clock = new FakeClock(T0 + 100);
    const generator = new Snowflake({ nodeId: 4, clock: clock.now, maxClockRollbackMs: 10 });
    const before = generator.nextBigInt();

    clock.set(T0 + 95);
    clock.advanceAfter(3, T0 + 100);
    const after = generator.nextBigInt();

    assert.ok(after > before);
    assert.equal(decode(after).timestampMs, T0 + 100);
  });

  it('throws ClockMovedBackwardsError when the clock steps back further than the bound', () => {
    const clock = new FakeClock(T0 + 100);
    const generator = new Snowflake({ nodeId: 4, clock: clock.now, maxClockRollbackMs: 10 });
    generator.next();

    clock.set(T0 + 89);
    assert.throws(
      () => generator.next(),
      (error: unknown) =>
        error instanceof ClockMovedBackwardsError &&
        error.lastTimestampMs === T0 + 100 &&
        error.nowMs === T0 + 89 &&
        /moved backwards by 11 ms/.test(error.message),
    );
  });

  it('encodes time, node and sequence so decode returns them', () => {
    const clock = new FakeClock(T0);
    const generator = new Snowflake({ nodeId: 1023, clock: clock.now });
    generator.next();
    const id = generator.next();
    assert.deepEqual(decode(id), { timestampMs: T0, nodeId: 1023, sequence: 1 });
    assert.deepEqual(decode(BigInt(id)), decode(id));
  });

  it('honours a custom epoch on both ends', () => {
    const epochMs = Date.UTC(2020, 0, 1);
    const generator = new Snowflake({ nodeId: 9, epochMs, clock: () => T0 });
    const id = generator.next();
    assert.deepEqual(decode(id, epochMs), { timestampMs: T0, nodeId: 9, sequence: 0 });
    assert.equal(decode(id).timestampMs, T0 - epochMs + DEFAULT_EPOCH_MS);
  });

  it('rejects node ids outside 0..1023 and non-integers', () => {
    for (const nodeId of [-1, 1024, 1.5, Number.NaN]) {
      assert.throws(() => new Snowflake({ nodeId }), RangeError, `nodeId ${nodeId}`);
    }
    assert.doesNotThrow(() => new Snowflake({ nodeId: 0 }));
    assert.doesNotThrow(() => new Snowflake({ nodeId: 1023 }));
  });

  it('refuses a clock before the epoch instead of issuing negative ids', () => {
    const generator = new Snowflake({ nodeId: 1, clock: () => DEFAULT_EPOCH_MS - 1 });
    assert.throws(() => generator.next(), RangeError);
  });
});
