import { When } from '@cucumber/cucumber';
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
