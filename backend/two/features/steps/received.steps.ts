import assert from 'node:assert/strict';
import { Then, When } from '@cucumber/cucumber';
import { eventually, type ScopedRequest } from '@pkg/testkit';
import type { TwoWorld } from './world.js';

/** The /three calls of one request, recognised by their Idempotency-Key. */
async function callsFor(world: TwoWorld, requestId: string): Promise<ScopedRequest[]> {
  const calls = await world.wiremock.requests('/three');
  return calls.filter((call) => call.headers['idempotency-key'] === requestId);
}

async function tokenRequests(world: TwoWorld): Promise<ScopedRequest[]> {
  return world.wiremock.requests('/v2/oauth/token');
}

Then(
  'the third party received it exactly once, as JSON with the original request, with {string} and the request id as Idempotency-Key',
  async function (this: TwoWorld, authorization: string) {
    const id = this.lastRequestId;
    const [original] = this.collector!.on(this.topics.requests, id);
    const calls = await callsFor(this, id);
    assert.equal(calls.length, 1);
    const [call] = calls as [ScopedRequest];
    assert.equal(call.headers.authorization, authorization);
    assert.equal(call.headers['idempotency-key'], id);
    assert.match(call.headers['content-type'] ?? '', /^application\/json/);
    assert.equal(call.headers.language, 'en');
    const body = call.body as { id: string; metadata: unknown; one_request: unknown };
    assert.equal(body.id, id);
    assert.ok(body.metadata && typeof body.metadata === 'object');
    assert.deepEqual(body.one_request, JSON.parse(original!.value!));
  },
);

Then('the third party received it exactly once', async function (this: TwoWorld) {
  assert.equal((await callsFor(this, this.lastRequestId)).length, 1);
});

Then(
  'the third party received it {int} times, always with the same Idempotency-Key',
  async function (this: TwoWorld, times: number) {
    const calls = await callsFor(this, this.lastRequestId);
    assert.equal(calls.length, times);
    assert.ok(calls.every((call) => call.headers['idempotency-key'] === this.lastRequestId));
  },
);

Then(
  /^the auth server was asked for an access token exactly (once|twice)$/,
  async function (this: TwoWorld, times: string) {
    const requests = await tokenRequests(this);
    assert.equal(requests.length, times === 'once' ? 1 : 2);
    for (const request of requests) {
      assert.match(request.headers.authorization ?? '', /^Basic /);
      assert.match(String(request.body), /grant_type=client_credentials/);
    }
  },
);

Then(
  'the requests were sent with {string}, {string} and {string}',
  async function (this: TwoWorld, first: string, second: string, third: string) {
    const authorizations = [first, second, third];
    assert.equal(this.requestIds.length, authorizations.length);
    for (const [index, id] of this.requestIds.entries())
      assert.deepEqual(
        (await callsFor(this, id)).map((call) => call.headers.authorization),
        [authorizations[index]],
        `request ${index + 1}`,
      );
  },
);

When(
  '{int} seconds have passed since the first token was fetched',
  async function (this: TwoWorld, seconds: number) {
    const [first] = await tokenRequests(this);
    assert.ok(first, 'a token was fetched');
    // WireMock runs on this machine: its loggedAt and our clock agree closely enough for a wait.
    const remaining = first.loggedAt + seconds * 1_000 + 250 - Date.now();
    if (remaining > 0) await new Promise((resolve) => setTimeout(resolve, remaining));
  },
);

Then(
  '{string} was fetched before {string} expired',
  async function (this: TwoWorld, _second: string, _first: string) {
    const [first, second] = await eventually(async () => {
      const requests = await tokenRequests(this);
      return requests.length === 2 ? requests : undefined;
    });
    // The first token was issued with expires_in "20": its replacement came well inside that.
    assert.ok(second!.loggedAt < first!.loggedAt + 20_000);
  },
);

Then(
  'the third party received the request with {string} and then with {string}',
  async function (this: TwoWorld, first: string, second: string) {
    const calls = await callsFor(this, this.lastRequestId);
    assert.deepEqual(
      calls.map((call) => call.headers.authorization),
      [first, second],
    );
  },
);

Then(
  'the third party received the request with {string} only',
  async function (this: TwoWorld, authorization: string) {
    const calls = await callsFor(this, this.lastRequestId);
    assert.deepEqual(
      calls.map((call) => call.headers.authorization),
      [authorization],
    );
  },
);

Then('nothing was dead-lettered', function (this: TwoWorld) {
  assert.deepEqual(this.collector!.on(this.topics.deadLetters), []);
});

Then('the third party received each of them exactly once', async function (this: TwoWorld) {
  const calls = await this.wiremock.requests('/three');
  for (const id of this.requestIds)
    assert.equal(calls.filter((call) => call.headers['idempotency-key'] === id).length, 1, id);
});
