import assert from 'node:assert/strict';
import { Given, Then, When } from '@cucumber/cucumber';
import { Topics } from '@pkg/kafka';
import { eventually } from '@pkg/testkit';
import { kafka } from '../support/infrastructure.js';
import type { OneWorld } from '../support/world.js';

/** Where the last reported event landed, to know when one has read past it. */
const lastReport = new WeakMap<OneWorld, { partition: number; offset: string }>();

Given('a request accepted by service one', async function (this: OneWorld) {
  const answer = await this.postJson(JSON.stringify(this.fixture()));
  assert.equal(answer.status, 201, answer.text);
  this.requestId = (answer.body as { request_id: string }).request_id;
});

When(
  /^service two reports it (DELIVERED|FAILED) after (\d+) attempts?(?:, out of order)?$/,
  async function (this: OneWorld, status: string, attempts: string) {
    const producer = kafka.producer();
    await producer.connect();
    try {
      const [metadata] = await producer.send({
        topic: Topics.threeResult,
        messages: [
          {
            key: this.acceptedId,
            value: JSON.stringify({
              request_id: this.acceptedId,
              status,
              attempts: Number(attempts),
              ...(status === 'DELIVERED'
                ? { delivered_at: new Date().toISOString() }
                : { error: 'third party 503' }),
            }),
          },
        ],
      });
      assert.ok(metadata);
      lastReport.set(this, { partition: metadata.partition, offset: metadata.baseOffset ?? '0' });
    } finally {
      await producer.disconnect();
    }
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
