// Group commit against the real PostgreSQL: the requests of one event-loop turn share a statement,
// and a row whose values PostgreSQL refuses must not take its neighbours down with it.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { Then, When } from '@cucumber/cucumber';
import { Snowflake } from '@pkg/id';
import { createLogger } from '@pkg/logger';
import { createDatabase } from '../../src/database.js';
import { PostgresRequestStore } from '../../src/requests/postgres-request-store.js';
import { withDatabase } from '../support/infrastructure.js';
import type { OneWorld } from '../support/world.js';

const attempts = new WeakMap<OneWorld, { ids: string[]; outcomes: PromiseSettledResult<void>[] }>();

When(
  'three requests reach the store in the same moment, the second with a NUL byte PostgreSQL refuses',
  async function (this: OneWorld) {
    const database = createDatabase({
      url: this.databaseUrl,
      poolSize: 2,
      connectTimeoutMs: 2_000,
      statementTimeoutMs: 5_000,
      logger: createLogger({
        service: 'one-test',
        stream: new Writable({ write: (_c, _e, done) => done() }),
      }),
    });
    const ids = new Snowflake({ nodeId: 7 });
    try {
      const store = new PostgresRequestStore(database.prisma, database.pool);
      const requestIds = [ids.next(), ids.next(), ids.next()];
      // Validation refuses NUL (new-request.ts); the store is called directly to prove the fallback.
      const prompts = ['first', 'bad \u0000 prompt', 'third'];
      const outcomes = await Promise.allSettled(
        requestIds.map((id, index) =>
          store.accept(
            { id, userId: 'group-commit', prompt: prompts[index]!, data: [], acceptedAt: new Date() },
            { eventId: ids.next(), topic: 'one-request', key: id, payload: { id }, headers: {} },
          ),
        ),
      );
      attempts.set(this, { ids: requestIds, outcomes });
    } finally {
      await database.close();
    }
  },
);

Then(
  'the first and the third are stored with their outbox messages, and only the second failed',
  async function (this: OneWorld) {
    const { ids, outcomes } = attempts.get(this)!;
    assert.deepEqual(
      outcomes.map((outcome) => outcome.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
    const stored = await withDatabase(this.databaseUrl, async (client) => {
      const { rows } = await client.query<{ id: string; outbox: string }>(
        `SELECT r.id::text AS id, (SELECT count(*) FROM outbox o WHERE o.request_id = r.id)::text AS outbox
         FROM requests r WHERE r.id = ANY($1::bigint[]) ORDER BY r.id`,
        [ids],
      );
      return rows;
    });
    assert.deepEqual(stored, [
      { id: ids[0], outbox: '1' },
      { id: ids[2], outbox: '1' },
    ]);
  },
);
