import { When } from '@cucumber/cucumber';
import { acceptedRequestEvent } from '@pkg/testkit';
import { acceptedRequest, newRequestId, requestHeaders } from './kafka-fixture.js';
import type { TwoWorld } from './world.js';

async function publishRequests(world: TwoWorld, requestIds: string[]) {
  world.requestIds.push(...requestIds);
  await world.producer!.send({
    topic: world.topics.requests,
    messages: requestIds.map((id) => ({
      key: id,
      value: JSON.stringify(acceptedRequest(id)),
      headers: requestHeaders(id),
    })),
  });
}

When(/^service one publishes (?:an|another) accepted request$/, async function (this: TwoWorld) {
  await publishRequests(this, [newRequestId()]);
});

When('service one publishes {int} accepted requests at once', async function (this: TwoWorld, count: number) {
  await publishRequests(
    this,
    Array.from({ length: count }, () => newRequestId()),
  );
});

When('the same request is published again', async function (this: TwoWorld) {
  const id = this.lastRequestId;
  await this.producer!.send({
    topic: this.topics.requests,
    messages: [{ key: id, value: JSON.stringify(acceptedRequest(id)), headers: requestHeaders(id) }],
  });
});

When('a message that is not JSON is published', async function (this: TwoWorld) {
  this.malformedKey = newRequestId();
  await this.producer!.send({
    topic: this.topics.requests,
    messages: [{ key: this.malformedKey, value: '{"version": 1, "type": oops' }],
  });
});

When(
  'service one publishes {int} requests of about 55 KB to one partition',
  async function (this: TwoWorld, count: number) {
    // The largest request the API accepts: a 4,000-character prompt and 50 items of 1,000 characters.
    const fields = {
      prompt: 'p'.repeat(4_000),
      data: Array.from({ length: 50 }, (_, index) => ({ key: `k${index}`, value: 'v'.repeat(1_000) })),
    };
    const ids = Array.from({ length: count }, () => newRequestId());
    this.requestIds.push(...ids);
    // Four per send keeps each produce request far below the broker's limit.
    for (let start = 0; start < ids.length; start += 4)
      await this.producer!.send({
        topic: this.topics.requests,
        messages: ids.slice(start, start + 4).map((id) => ({
          key: id,
          value: JSON.stringify(acceptedRequestEvent(id, fields)),
          headers: requestHeaders(id),
          partition: 0,
        })),
      });
  },
);
