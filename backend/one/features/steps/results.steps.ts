import assert from 'node:assert/strict';
import { Given, Then, When } from '@cucumber/cucumber';
import { Topics } from '@pkg/kafka';
import { eventually } from '@pkg/testkit';
import { Writable } from 'node:stream';
import { createLogger } from '@pkg/logger';
import { createDatabase } from '../../src/database.js';
import { PostgresRequestStore } from '../../src/requests/postgres-request-store.js';
import type { ResultOutcome } from '../../src/requests/request-store.js';
import { kafka, withDatabase } from '../support/infrastructure.js';
import type { OneWorld } from '../support/world.js';

/** Where the last reported event landed, to know when one has read past it. */
const lastReport = new WeakMap<OneWorld, { partition: number; offset: string }>();

Given('a request accepted by service one', async function (this: OneWorld) {
  const answer = await this.postJson(JSON.stringify(this.fixture()));
  assert.equal(answer.status, 201, answer.text);
  this.requestId = (answer.body as { request_id: string }).request_id;
});

/** Publishes `values` on three-result keyed by the scenario's request id (so: on its partition). */
async function report(world: OneWorld, values: string[]) {
  const producer = kafka.producer();
  await producer.connect();
  try {
    const [metadata] = await producer.send({
      topic: Topics.threeResult,
      messages: values.map((value) => ({ key: world.acceptedId, value })),
    });
    assert.ok(metadata);
    lastReport.set(world, { partition: metadata.partition, offset: metadata.baseOffset ?? '0' });
  } finally {
    await producer.disconnect();
  }
}

When(
  /^service two reports it (DELIVERED|FAILED) after (\d+) attempts?(?:, out of order)?$/,
  async function (this: OneWorld, status: string, attempts: string) {
    await report(this, [
      JSON.stringify({
        request_id: this.acceptedId,
        status,
        attempts: Number(attempts),
        ...(status === 'DELIVERED'
          ? { delivered_at: new Date().toISOString() }
          : { error: 'third party 503' }),
      }),
    ]);
  },
);

When(
  "service two's topic carries unusable results for it: an id beyond int8, attempts beyond int4, attempts as text, an unknown status, no JSON",
  async function (this: OneWorld) {
    const id = this.acceptedId;
    await report(this, [
      JSON.stringify({ request_id: '9'.repeat(19), status: 'DELIVERED', attempts: 1 }),
      JSON.stringify({ request_id: id, status: 'FAILED', attempts: 2 ** 31, error: 'e' }),
      JSON.stringify({ request_id: id, status: 'FAILED', attempts: '3', error: 'e' }),
      JSON.stringify({ request_id: id, status: 'LOST', attempts: 1 }),
      '{"request_id":',
    ]);
  },
);

const ruleOutcomes = new WeakMap<OneWorld, { id: string; outcome: ResultOutcome }>();

Given(
  /^a request stored in PostgreSQL as (\w+) with (\d+) attempts$/,
  async function (this: OneWorld, status: string, attempts: string) {
    // A row of its own without an outbox row: no relay touches it while the rule runs.
    const id = String(BigInt(Date.now()) * 1_000n + BigInt(Math.floor(Math.random() * 1_000)));
    await withDatabase(this.databaseUrl, (client) =>
      client.query(
        `INSERT INTO requests (id, user_id, prompt, data, status, attempts, accepted_at, updated_at)
         VALUES ($1, $2, 'p', '[]', $3::"RequestStatus", $4, now(), now())`,
        [id, this.userId, status, Number(attempts)],
      ),
    );
    this.requestId = id;
  },
);

When(
  /^the result store applies (DELIVERED|FAILED) after (\d+) attempts$/,
  async function (this: OneWorld, status: 'DELIVERED' | 'FAILED', attempts: string) {
    const database = createDatabase({
      url: this.databaseUrl,
      poolSize: 1,
      connectTimeoutMs: 2_000,
      statementTimeoutMs: 5_000,
      logger: createLogger({
        service: 'one-test',
        stream: new Writable({ write: (_c, _e, done) => done() }),
      }),
    });
    try {
      const store = new PostgresRequestStore(database.prisma, database.pool);
      const outcome = await store.applyResult(
        { request_id: this.acceptedId, status, attempts: Number(attempts), error: 'e' },
        new Date(),
      );
      ruleOutcomes.set(this, { id: this.acceptedId, outcome });
    } finally {
      await database.close();
    }
  },
);

Then(
  /^the outcome is "(\w+)" and the stored request is (\w+) with (\d+) attempts$/,
  async function (this: OneWorld, outcome: string, status: string, attempts: string) {
    assert.equal(ruleOutcomes.get(this)?.outcome, outcome);
    const { rows } = await withDatabase(this.databaseUrl, (client) =>
      client.query<{ status: string; attempts: number }>(
        'SELECT status, attempts FROM requests WHERE id = $1',
        [this.acceptedId],
      ),
    );
    assert.deepEqual(rows[0], { status, attempts: Number(attempts) });
  },
);

When('service one has read that report', async function (this: OneWorld) {
  const report = lastReport.get(this);
  assert.ok(report);
  const groupId = this.service.resultsGroupId;
  const admin = kafka.admin();
  await admin.connect();
  try {
    // Committed offsets move past an event only after it was handled.
    await eventually(
      async () => {
        const [topic] = await admin.fetchOffsets({ groupId, topics: [Topics.threeResult] });
        const committed = topic?.partitions.find(({ partition }) => partition === report.partition)?.offset;
        return committed !== undefined && BigInt(committed) > BigInt(report.offset);
      },
      { timeoutMs: 20_000, message: 'three-result offset committed past the report' },
    );
  } finally {
    await admin.disconnect();
  }
});

Then(
  /^GET \/one\/<id> shows the request as (\w+) with (\d+) attempts$/,
  async function (this: OneWorld, status: string, attempts: string) {
    await eventually(
      async () => {
        const answer = await this.send(`/one/${this.acceptedId}`);
        const body = answer.body as { status: string; attempts: number };
        assert.equal(body.status, status);
        assert.equal(body.attempts, Number(attempts));
        return true;
      },
      { timeoutMs: 20_000, message: `request shown as ${status} with ${attempts} attempts` },
    );
  },
);
