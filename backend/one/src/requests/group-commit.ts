// Application-level group commit: the requests accepted within one turn of the event loop are
// written by one statement (one transaction, one WAL flush) instead of one each. Each caller's
// promise settles only after the statement that carries its row has committed (or failed), so a
// 201 still means "stored"; nothing waits for a timer: under light load a batch is one row and
// costs what the single statement did, under load the batches grow by themselves while earlier
// ones are in flight. Measured in docs/benchmarks/levers.md.
//
// Tracing: a group's statement is one database span, but every request's trace should show where
// its row was written. So each request gets a short `commit wait` span (a child of its active span,
// from the moment it joins the queue until its commit), and the group's statement runs in the
// context of the first request's `commit wait`: its INSERT span is a child of that one, and every
// other request's `commit wait` carries a span link to it (docs/benchmarks/levers.md, lever 3).
import { context, SpanStatusCode, trace, type Context, type Span } from '@opentelemetry/api';

const tracer = trace.getTracer('one-group-commit');

export interface GroupCommitOptions<T> {
  /** Writes the items in one statement; resolves after its commit. */
  writeBatch: (items: readonly T[]) => Promise<void>;
  /**
   * Writes one item on its own. Called for each item of a batch whose statement failed with
   * `isItemError`, so that one bad row fails only its own caller, never its neighbours.
   */
  writeOne: (item: T) => Promise<void>;
  /** True when the error depends on the values written (a data or constraint error), not on the database's availability. */
  isItemError: (error: unknown) => boolean;
  /** At most this many batches in flight; the rest wait and join the next batch. */
  maxInFlight: number;
  /** At most this many items per statement. */
  maxBatchSize: number;
}

interface Pending<T> {
  item: T;
  /** The caller's `commit wait` span, and the context that makes it the active span. */
  span: Span;
  context: Context;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export type GroupCommit<T> = (item: T) => Promise<void>;

export function createGroupCommit<T>({
  writeBatch,
  writeOne,
  isItemError,
  maxInFlight,
  maxBatchSize,
}: GroupCommitOptions<T>): GroupCommit<T> {
  let queue: Pending<T>[] = [];
  let inFlight = 0;
  let scheduled = false;

  const schedule = () => {
    if (scheduled || queue.length === 0 || inFlight >= maxInFlight) return;
    scheduled = true;
    // setImmediate: after the I/O callbacks of this turn, so every request parsed in it joins.
    setImmediate(flush);
  };

  function flush() {
    scheduled = false;
    while (queue.length > 0 && inFlight < maxInFlight) {
      const batch = queue.slice(0, maxBatchSize);
      queue = queue.slice(batch.length);
      inFlight += 1;
      void write(batch).finally(() => {
        inFlight -= 1;
        schedule();
      });
    }
  }

  async function write(batch: Pending<T>[]): Promise<void> {
    const [first] = batch as [Pending<T>, ...Pending<T>[]];
    const statement = { context: first.span.spanContext() };
    for (const pending of batch) {
      pending.span.setAttribute('one.group_commit.size', batch.length);
      if (pending !== first) pending.span.addLink(statement);
    }
    try {
      await context.with(first.context, () => writeBatch(batch.map((pending) => pending.item)));
      for (const pending of batch) pending.resolve();
    } catch (error) {
      if (batch.length === 1 || !isItemError(error)) {
        for (const pending of batch) pending.reject(error);
        return;
      }
      // One row spoilt the statement: write each on its own (in its own trace), so each caller
      // gets its own answer.
      await Promise.all(
        batch.map((pending) =>
          context.with(pending.context, () => writeOne(pending.item)).then(pending.resolve, pending.reject),
        ),
      );
    }
  }

  return (item) =>
    new Promise<void>((resolve, reject) => {
      const span = tracer.startSpan('commit wait');
      const settle = (error?: unknown) => {
        if (error !== undefined) span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
      };
      queue.push({
        item,
        span,
        context: trace.setSpan(context.active(), span),
        resolve: () => (settle(), resolve()),
        reject: (error) => (settle(error), reject(error)),
      });
      schedule();
    });
}
