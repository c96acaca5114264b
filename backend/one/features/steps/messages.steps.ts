import assert from 'node:assert/strict';
import { Then } from '@cucumber/cucumber';
import { eventually } from '@pkg/testkit';
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
