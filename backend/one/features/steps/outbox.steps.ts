// The outbox under the loads and refusals a real deployment brings: a backlog of large messages,
// a message the broker refuses on its own, readiness and the backlog metrics during an outage,
// and a graceful stop.
import assert from 'node:assert/strict';
import { Given, Then, When } from '@cucumber/cucumber';
import { Topics } from '@pkg/kafka';
import { eventually, largeRequest, setTopicMaxMessageBytes } from '@pkg/testkit';
import { createMigratedScratchDatabase, kafka, withDatabase } from '../support/infrastructure.js';
import { startOne } from '../support/service-under-test.js';
import { oneRequestTopic, type OneWorld } from '../support/world.js';

/** The ids a scenario's batch of requests got, in order. */
const batches = new WeakMap<OneWorld, string[]>();

function batchOf(world: OneWorld): string[] {
  const ids = batches.get(world);
  assert.ok(ids && ids.length > 0, 'the scenario posted no batch of requests');
  return ids;
}

When('{int} large requests are posted to \\/one', async function (this: OneWorld, count: number) {
  const ids: string[] = [];
  // A few at a time, as several clients would, but within the test instance's pool of 4 connections
  // (one of them held by the relay's round), so none waits past the connect timeout on a busy machine.
  for (let start = 0; start < count; start += 3) {
    const answers = await Promise.all(
      Array.from({ length: Math.min(3, count - start) }, (_, index) =>
        this.postJson(JSON.stringify(largeRequest(this.userId, start + index))),
      ),
    );
    for (const answer of answers) {
      assert.equal(answer.status, 201, answer.text);
      ids.push((answer.body as { request_id: string }).request_id);
    }
  }
  batches.set(this, ids);
});

Then(
  'every one of them arrives on one-request exactly once',
  { timeout: 150_000 },
  async function (this: OneWorld) {
    const ids = batchOf(this);
    await eventually(() => ids.every((id) => oneRequestTopic.messagesFor(id).length > 0), {
      timeoutMs: 120_000,
      intervalMs: 500,
      message: `all ${ids.length} messages on one-request`,
    });
    const repeated = ids.filter((id) => oneRequestTopic.messagesFor(id).length > 1);
    assert.deepEqual(repeated, [], 'ids published more than once');
  },
);

Then('GET \\/one\\/<id> shows each of them as PUBLISHED', async function (this: OneWorld) {
  for (const id of batchOf(this)) {
    const answer = await this.send(`/one/${id}`);
    assert.equal((answer.body as { status: string }).status, 'PUBLISHED', id);
  }
});

Given(
  'Kafka accepts at most {int} bytes per message on one-request',
  async function (this: OneWorld, maxBytes: number) {
    await setTopicMaxMessageBytes(kafka, Topics.oneRequest, maxBytes);
    // Back to the broker's default (no override), whatever the scenario's outcome.
    this.cleanups.push(() => setTopicMaxMessageBytes(kafka, Topics.oneRequest, undefined));
  },
);

Then('its last error says Kafka refused it as too large', async function (this: OneWorld) {
  const answer = await this.send(`/one/${this.acceptedId}`);
  assert.match(String((answer.body as { last_error: unknown }).last_error), /too large/);
});

Then('the outbox holds it as rejected, not pending', async function (this: OneWorld) {
  const { rows } = await withDatabase(this.databaseUrl, (client) =>
    client.query<{ rejected_at: Date | null; published_at: Date | null }>(
      'SELECT rejected_at, published_at FROM outbox WHERE request_id = $1',
      [this.acceptedId],
    ),
  );
  assert.ok(rows[0]?.rejected_at, 'rejected_at is set');
  assert.equal(rows[0]?.published_at, null);
});

Then(
  'GET \\/readyz answers 200 and reports kafka {string}',
  async function (this: OneWorld, kafkaState: string) {
    await eventually(
      async () => {
        const answer = await this.send('/readyz');
        assert.equal(answer.status, 200, answer.text);
        assert.equal((answer.body as { checks: { kafka: string } }).checks.kafka, kafkaState);
        return true;
      },
      { timeoutMs: 20_000, message: `/readyz 200 with kafka ${kafkaState}` },
    );
  },
);

Then(
  'GET \\/metrics shows an outbox backlog of {int}, and its age',
  async function (this: OneWorld, pending: number) {
    const text = (await this.send('/metrics')).text;
    const sample = (name: string) => {
      const match = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)$`, 'm').exec(text);
      assert.ok(match, `${name} in /metrics`);
      return Number(match[1]);
    };
    assert.equal(sample('one_outbox_backlog'), pending);
    const age = sample('one_outbox_backlog_age_seconds');
    // Waiting messages have an age; an empty outbox has none (0, not the age of the last one).
    assert.ok(pending > 0 ? age > 0 : age === 0, `backlog age ${age} with ${pending} pending`);
  },
);

Given(
  'an instance of service one with its own database and a drain delay of {int} ms',
  async function (this: OneWorld, drainDelayMs: number) {
    const database = await createMigratedScratchDatabase();
    this.cleanups.push(() => database.drop());
    this.databaseUrl = database.url;
    this.service = await startOne({ databaseUrl: database.url, drainDelayMs });
    this.cleanups.push(() => this.service.stop());
  },
);

/** The scenario's stop in progress; the cleanup awaits it (stop is idempotent for the cleanup). */
const stopping = new WeakMap<OneWorld, Promise<void>>();

When('the instance is asked to stop', function (this: OneWorld) {
  stopping.set(this, this.service.stop());
});

Then('GET \\/readyz answers 503 while POST \\/one still answers 201', async function (this: OneWorld) {
  const ready = await this.send('/readyz');
  assert.equal(ready.status, 503, ready.text);
  assert.equal((ready.body as { checks: { shutdown: string } }).checks.shutdown, 'down');
  const posted = await this.postJson(JSON.stringify(this.fixture()));
  assert.equal(posted.status, 201, posted.text);
  this.requestId = (posted.body as { request_id: string }).request_id;
});

Then('the stop completes', async function (this: OneWorld) {
  await stopping.get(this);
});

Then('the request accepted during the drain delay was published', async function (this: OneWorld) {
  const { rows } = await withDatabase(this.databaseUrl, (client) =>
    client.query<{ published_at: Date | null }>('SELECT published_at FROM outbox WHERE request_id = $1', [
      this.acceptedId,
    ]),
  );
  assert.ok(rows[0]?.published_at, 'published before the instance stopped');
});
