import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createGroupCommit } from '../../src/requests/group-commit.js';

class ValueError extends Error {}

/** A fake database: records each statement's rows; a row named 'bad' spoils any statement it is in. */
function fakeDatabase() {
  const batches: string[][] = [];
  const singles: string[] = [];
  const committed: string[] = [];
  let release: (() => void) | undefined;
  let holdNext = false;
  return {
    batches,
    singles,
    committed,
    /** The next batch statement waits until `release()`: a statement in flight. */
    hold: () => {
      holdNext = true;
      return () => release?.();
    },
    writeBatch: async (items: readonly string[]) => {
      batches.push([...items]);
      if (holdNext) {
        holdNext = false;
        await new Promise<void>((resolve) => (release = resolve));
      }
      if (items.includes('bad')) throw new ValueError('invalid byte sequence');
      committed.push(...items);
    },
    writeOne: async (item: string) => {
      singles.push(item);
      if (item === 'bad') throw new ValueError('invalid byte sequence');
      committed.push(item);
    },
  };
}

function groupOver(database: ReturnType<typeof fakeDatabase>, maxInFlight = 1, maxBatchSize = 100) {
  return createGroupCommit<string>({
    writeBatch: database.writeBatch,
    writeOne: database.writeOne,
    isItemError: (error) => error instanceof ValueError,
    maxInFlight,
    maxBatchSize,
  });
}

describe('group commit of accepted requests', () => {
  it('writes the requests of one event-loop turn in one statement, each resolved after it', async () => {
    const database = fakeDatabase();
    const accept = groupOver(database);
    await Promise.all(['a', 'b', 'c'].map((item) => accept(item)));
    assert.deepEqual(database.batches, [['a', 'b', 'c']]);
    assert.deepEqual(database.committed, ['a', 'b', 'c']);
  });

  it('settles no caller before its statement has committed; arrivals meanwhile form the next batch', async () => {
    const database = fakeDatabase();
    const accept = groupOver(database);
    const release = database.hold();
    const settled: string[] = [];
    const first = accept('a').then(() => settled.push('a'));
    await new Promise((resolve) => setImmediate(resolve));
    const later = ['b', 'c'].map((item) => accept(item).then(() => settled.push(item)));
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(settled, [], 'nothing answered while the statement is in flight');
    release();
    await Promise.all([first, ...later]);
    assert.deepEqual(database.batches, [['a'], ['b', 'c']]);
    assert.deepEqual(settled, ['a', 'b', 'c']);
  });

  it('a bad row fails only its own caller: the others are written one by one and succeed', async () => {
    const database = fakeDatabase();
    const accept = groupOver(database);
    const outcomes = await Promise.allSettled(['a', 'bad', 'c'].map((item) => accept(item)));
    assert.deepEqual(
      outcomes.map((outcome) => outcome.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
    assert.deepEqual(database.singles, ['a', 'bad', 'c']);
    assert.deepEqual(database.committed.sort(), ['a', 'c']);
  });

  it('an error that is not about the values (database unreachable) fails the whole batch at once', async () => {
    const outage = new Error('connection terminated');
    const accept = createGroupCommit<string>({
      writeBatch: () => Promise.reject(outage),
      writeOne: () => assert.fail('no row-by-row retry against an unreachable database'),
      isItemError: (error) => error instanceof ValueError,
      maxInFlight: 1,
      maxBatchSize: 100,
    });
    const outcomes = await Promise.allSettled(['a', 'b'].map((item) => accept(item)));
    assert.deepEqual(
      outcomes.map((outcome) => (outcome.status === 'rejected' ? outcome.reason : outcome.status)),
      [outage, outage],
    );
  });

  it('caps the rows per statement', async () => {
    const database = fakeDatabase();
    const accept = groupOver(database, 4, 2);
    await Promise.all(['a', 'b', 'c', 'd', 'e'].map((item) => accept(item)));
    assert.deepEqual(database.batches, [['a', 'b'], ['c', 'd'], ['e']]);
  });
});
