import assert from 'node:assert/strict';
import { Then } from '@cucumber/cucumber';
import { Headers } from '@pkg/kafka';
import { eventually } from '@pkg/testkit';
import { assertMatchesContract } from './contract.js';
import { query } from './database.js';
import type { ReceivedMessage } from './kafka-fixture.js';
import type { TwoWorld } from './world.js';

interface ResultEvent {
  request_id: string;
  status: string;
  attempts: number;
  delivered_at?: string;
  error?: string;
}

const resultOf = (message: ReceivedMessage) => JSON.parse(message.value ?? '') as ResultEvent;

async function expectResult(world: TwoWorld, requestId: string, status: string, attempts: number, count = 1) {
  const results = await world.collector!.waitFor(world.topics.results, requestId, count);
  const result = resultOf(results[count - 1]!);
  await assertMatchesContract('three-result', results[count - 1]!);
  assert.equal(result.status, status);
  assert.equal(result.attempts, attempts);
  assert.equal(result.request_id, requestId);
  if (status === 'DELIVERED')
    assert.ok(!Number.isNaN(Date.parse(result.delivered_at ?? '')), 'delivered_at is a date');
  // The producer's trace context travels on with the result.
  assert.match(
    results[count - 1]!.headers[Headers.traceparent] ?? '',
    /^00-4bf92f3577b34da6a3ce929d0e0e4736-/,
  );
}

Then(
  /^a (DELIVERED|FAILED) result is published for (?:it|the request) after (\d+) attempts?$/,
  async function (this: TwoWorld, status: string, attempts: string) {
    await expectResult(this, this.lastRequestId, status, Number(attempts));
  },
);

Then('a DELIVERED result is published for it again', async function (this: TwoWorld) {
  const results = await this.collector!.waitFor(this.topics.results, this.lastRequestId, 2);
  assert.deepEqual(
    results.map((r) => resultOf(r).status),
    ['DELIVERED', 'DELIVERED'],
  );
});

Then('a DELIVERED result is published for each of them', async function (this: TwoWorld) {
  for (const id of this.requestIds) {
    const [result] = await this.collector!.waitFor(this.topics.results, id);
    assert.equal(resultOf(result!).status, 'DELIVERED');
  }
});

async function expectDeadLetter(world: TwoWorld, key: string, reason: string, attempts: number) {
  const [letter] = await world.collector!.waitFor(world.topics.deadLetters, key);
  const [original] = world.collector!.on(world.topics.requests, key);
  assert.ok(letter && original);
  assert.equal(letter.value, original.value, 'the original value');
  await assertMatchesContract('one-request.dlq', letter);
  for (const [name, value] of Object.entries(original.headers))
    if (name === Headers.eventId) assert.equal(letter.headers[Headers.dlqOriginalEventId], value, name);
    else assert.equal(letter.headers[name], value, name);
  assert.equal(letter.headers[Headers.dlqReason], reason);
  assert.equal(letter.headers[Headers.dlqAttempts], String(attempts));
  assert.equal(letter.headers[Headers.dlqOriginTopic], world.topics.requests);
  assert.match(letter.headers[Headers.dlqOriginPartition] ?? '', /^[0-2]$/);
  assert.match(letter.headers[Headers.dlqOriginOffset] ?? '', /^\d+$/);
  assert.ok(!Number.isNaN(Date.parse(letter.headers[Headers.dlqFailedAt] ?? '')), 'dlq-failed-at is a date');
}

Then(
  /^the request is on the dead-letter topic with reason "([^"]+)" after (\d+) attempts?$/,
  async function (this: TwoWorld, reason: string, attempts: string) {
    await expectDeadLetter(this, this.lastRequestId, reason, Number(attempts));
  },
);

Then(
  'each of them is on the dead-letter topic with reason {string}',
  async function (this: TwoWorld, reason: string) {
    for (const id of this.requestIds) {
      const [letter] = await this.collector!.waitFor(this.topics.deadLetters, id, 1, 60_000);
      assert.equal(letter!.headers[Headers.dlqReason], reason);
    }
  },
);

Then(
  'the malformed message is on the dead-letter topic with reason {string}',
  async function (this: TwoWorld, reason: string) {
    await expectDeadLetter(this, this.malformedKey!, reason, 0);
  },
);

Then(
  /^two stored the request as (DELIVERED|FAILED)(?: after (\d+) attempts)?(?: with the third party's status (\d+))?$/,
  async function (this: TwoWorld, status: string, attempts?: string, thirdPartyStatus?: string) {
    const row = await eventually(() => this.two!.store.find(this.lastRequestId), {
      message: 'the delivery row',
    });
    assert.equal(row.status, status);
    if (attempts) assert.equal(row.attempts, Number(attempts));
    if (status === 'DELIVERED') assert.ok(row.deliveredAt instanceof Date);
    if (thirdPartyStatus) {
      const { rows } = await query(
        this,
        'SELECT third_party_status, last_error FROM delivery WHERE request_id = $1',
        [this.lastRequestId],
      );
      assert.equal(rows[0]?.third_party_status, Number(thirdPartyStatus));
      assert.match(String(rows[0]?.last_error), new RegExp(thirdPartyStatus));
    }
  },
);
