import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { context, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
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

describe('group commit in the traces of its requests', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const tracer = provider.getTracer('unit');
  before(() => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    trace.setGlobalTracerProvider(provider);
  });
  after(() => {
    context.disable();
    trace.disable();
  });
  beforeEach(() => exporter.reset());

  /** Each item accepted inside its own request span, as one's HTTP server span would hold it. */
  function acceptInRequests(accept: (item: string) => Promise<void>, items: string[]) {
    return Promise.allSettled(
      items.map((item) =>
        tracer.startActiveSpan(`request ${item}`, (span) => accept(item).finally(() => span.end())),
      ),
    );
  }

  /** A statement's span, made where pg's instrumentation would make it: under the active span. */
  const statement = (name: string) => tracer.startSpan(name).end();

  const spans = () => exporter.getFinishedSpans();
  const named = (name: string) => spans().find((span) => span.name === name)!;
  const waitOf = (item: string) =>
    spans().find(
      (span) =>
        span.name === 'commit wait' &&
        span.parentSpanContext?.spanId === named(`request ${item}`).spanContext().spanId,
    )!;

  it("gives each request a commit wait span; the group's statement is below the first, the others link to it", async () => {
    const database = fakeDatabase();
    const accept = createGroupCommit<string>({
      writeBatch: async (items) => {
        statement(`INSERT ${items.join(',')}`);
        await database.writeBatch(items);
      },
      writeOne: database.writeOne,
      isItemError: (error) => error instanceof ValueError,
      maxInFlight: 1,
      maxBatchSize: 100,
    });
    await acceptInRequests(accept, ['a', 'b', 'c']);
    assert.deepEqual(database.batches, [['a', 'b', 'c']]);

    const [a, b, c] = ['a', 'b', 'c'].map(waitOf);
    for (const wait of [a, b, c]) {
      assert.ok(wait, 'every request has its commit wait span, a child of its own span');
      assert.equal(wait.attributes['one.group_commit.size'], 3);
    }
    const insert = named('INSERT a,b,c');
    assert.equal(
      insert.parentSpanContext?.spanId,
      a!.spanContext().spanId,
      'the statement is below the first wait',
    );
    assert.deepEqual(a!.links, []);
    for (const wait of [b!, c!])
      assert.deepEqual(
        wait.links.map((link) => link.context.spanId),
        [a!.spanContext().spanId],
        'the others link to the wait that holds the statement',
      );
  });

  it('a request written on its own after a bad row gets its statement below its own wait', async () => {
    const database = fakeDatabase();
    const accept = createGroupCommit<string>({
      writeBatch: database.writeBatch,
      writeOne: async (item) => {
        statement(`INSERT ${item}`);
        await database.writeOne(item);
      },
      isItemError: (error) => error instanceof ValueError,
      maxInFlight: 1,
      maxBatchSize: 100,
    });
    await acceptInRequests(accept, ['a', 'bad', 'c']);
    for (const item of ['a', 'bad', 'c'])
      assert.equal(named(`INSERT ${item}`).parentSpanContext?.spanId, waitOf(item)!.spanContext().spanId);
    assert.equal(waitOf('bad')!.status.code, SpanStatusCode.ERROR);
    assert.equal(waitOf('a')!.status.code, SpanStatusCode.UNSET);
  });
});
