import assert from 'node:assert/strict';
import { Then } from '@cucumber/cucumber';
import { Headers, Topics } from '@pkg/kafka';
import { eventually } from '@pkg/testkit';
import { loadEventContract } from '@pkg/testkit/event-contract';
import { withDatabase } from '../support/infrastructure.js';
import type { RecordedMessage } from '../support/topic-recorder.js';
import { oneRequestTopic, type OneWorld } from '../support/world.js';

function messageOf(world: OneWorld): RecordedMessage {
  const [message] = oneRequestTopic.messagesFor(world.acceptedId);
  assert.ok(message, `a message keyed ${world.acceptedId} on one-request`);
  return message;
}

Then('a message keyed by the request id arrives on one-request', async function (this: OneWorld) {
  await eventually(() => oneRequestTopic.messagesFor(this.acceptedId).length > 0, {
    timeoutMs: 30_000,
    message: `message keyed ${this.acceptedId} on one-request`,
  });
});

Then(
  'the message carries the headers request-id, event-type {string}, event-version {string} and content-type {string}',
  function (this: OneWorld, eventType: string, eventVersion: string, contentType: string) {
    const { headers } = messageOf(this);
    assert.equal(headers['request-id'], this.acceptedId);
    assert.equal(headers['event-type'], eventType);
    assert.equal(headers['event-version'], eventVersion);
    assert.equal(headers['content-type'], contentType);
  },
);

Then('the message payload matches the stored request', async function (this: OneWorld) {
  const { rows } = await withDatabase(this.databaseUrl, (client) =>
    client.query<{ user_id: string; prompt: string; data: unknown; accepted_at: Date }>(
      'SELECT user_id, prompt, data, accepted_at FROM requests WHERE id = $1',
      [this.acceptedId],
    ),
  );
  const stored = rows[0];
  assert.ok(stored);
  assert.deepEqual(messageOf(this).value, {
    version: 1,
    type: 'one.request.accepted',
    request_id: this.acceptedId,
    user_id: stored.user_id,
    prompt: stored.prompt,
    data: stored.data,
    accepted_at: stored.accepted_at.toISOString(),
  });
});

Then("the message's traceparent belongs to the caller's trace", function (this: OneWorld) {
  const { traceparent } = messageOf(this).headers;
  assert.match(traceparent ?? '', new RegExp(`^00-${this.traceId}-[0-9a-f]{16}-0[01]$`));
});

Then(
  'the message matches docs\\/asyncapi.yaml, its event-id the id of its outbox row',
  async function (this: OneWorld) {
    const message = messageOf(this);
    const contract = await loadEventContract();
    assert.deepEqual(contract.channel(Topics.oneRequest).violations(message), []);
    const { rows } = await withDatabase(this.databaseUrl, (client) =>
      client.query<{ id: string }>('SELECT id::text FROM outbox WHERE request_id = $1', [this.acceptedId]),
    );
    assert.deepEqual(
      rows.map((row) => row.id),
      [message.headers[Headers.eventId]],
    );
  },
);
