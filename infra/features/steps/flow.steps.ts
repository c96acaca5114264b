// Steps of end-to-end.feature: one request from POST /one through Kafka and two to the third party
// and back. State per scenario lives in `flowOf(this)` (the smoke feature owns the World class).
import assert from 'node:assert/strict';
import { After, AfterAll, Given, Then, When, type World } from '@cucumber/cucumber';
import { eventually, uniqueId } from '@pkg/testkit';
import { E2E_CREDENTIALS, flowStack, stopFlowStack, type FlowStack } from '../support/flow-stack.js';

export interface FlowState {
  stack?: FlowStack;
  /** The request ids this scenario created, by the user id it sent. */
  requests: Map<string, string>;
  lastRequestId?: string;
  /** Run after the scenario, last added first (e.g. stopping a process the scenario started). */
  cleanups: (() => Promise<unknown>)[];
}

const states = new WeakMap<World, FlowState>();

export function flowOf(world: World): FlowState {
  let state = states.get(world);
  if (!state) {
    state = { requests: new Map(), cleanups: [] };
    states.set(world, state);
  }
  return state;
}

export function stackOf(world: World): FlowStack {
  const { stack } = flowOf(world);
  assert.ok(stack, 'the services are not running (missing Given step)');
  return stack;
}

/** The example request of the README, with a user id unique to the scenario. */
export function exampleRequest(userId: string) {
  return {
    user_id: userId,
    prompt: 'What is the value of k1?',
    data: [
      { key: 'k1', value: '15' },
      { key: 'k2', value: 'g3' },
    ],
  };
}

export async function postRequest(world: World, baseUrl: string, userId: string): Promise<string> {
  const response = await fetch(`${baseUrl}/one`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(exampleRequest(userId)),
  });
  assert.equal(response.status, 201, await response.clone().text());
  const { request_id: requestId } = (await response.json()) as { request_id: string };
  const state = flowOf(world);
  state.requests.set(userId, requestId);
  state.lastRequestId = requestId;
  return requestId;
}

export async function statusOf(baseUrl: string, requestId: string): Promise<string | undefined> {
  const response = await fetch(`${baseUrl}/one/${requestId}`);
  if (response.status !== 200) return undefined;
  return ((await response.json()) as { status: string }).status;
}

After({ timeout: 60_000 }, async function (this: World) {
  for (const cleanup of flowOf(this).cleanups.reverse()) await cleanup();
});

AfterAll({ timeout: 60_000 }, async () => {
  await stopFlowStack();
});

Given(
  'services one and two are running as processes, exporting telemetry to a test OTLP receiver',
  { timeout: 180_000 },
  async function (this: World) {
    flowOf(this).stack = await flowStack();
  },
);

When('a client posts the example request to one', async function (this: World) {
  await postRequest(this, stackOf(this).one.url, uniqueId('usr'));
});

When(
  'a client posts the example request to one, which the third party first answers 401',
  async function (this: World) {
    const userId = uniqueId('usr');
    // A 401 makes two drop its cached token and fetch a fresh one inside this handling.
    await stackOf(this).wiremock.answerThreeFor(userId, [401, 200]);
    await postRequest(this, stackOf(this).one.url, userId);
  },
);

/** Token requests WireMock had seen when the scenario's failing token answers were set up. */
const tokenRequestsBefore = new WeakMap<World, number>();

When(
  'a client posts a request which the third party first answers 401, while the auth server answers {int}, {int} and {int} before it issues a token',
  async function (this: World, first: number, second: number, third: number) {
    const { wiremock, one } = stackOf(this);
    const userId = uniqueId('usr');
    // The 401 makes two drop its cached token. Three failures outlast the token client's own retries
    // (auth.maxAttempts 3): the delivery pauses and says so in the log, then tries again.
    tokenRequestsBefore.set(this, await wiremock.tokenRequests());
    await wiremock.failTokenRequests([first, second, third]);
    await wiremock.answerThreeFor(userId, [401, 200]);
    await postRequest(this, one.url, userId);
  },
);

Then(
  'the auth server answered every failure before it issued a token, and two logged the pause',
  async function (this: World) {
    // The failures and one token (the first handling of a fresh stack fetches one more, the initial token).
    const asked = (await stackOf(this).wiremock.tokenRequests()) - tokenRequestsBefore.get(this)!;
    assert.ok(asked >= 4, `${asked} token requests: the failing answers were not all met`);
    assert.ok(
      stackOf(this).two.stdout.some((line) => line.includes('"reason":"token-unavailable"')),
      'two logged that deliveries paused for the token',
    );
  },
);

Then(
  "WireMock's \\/three is called with the request id as the Idempotency-Key",
  async function (this: World) {
    const requestId = flowOf(this).lastRequestId!;
    const call = await eventually(
      async () => (await stackOf(this).wiremock.threeCalls()).find((c) => c.body.id === requestId),
      { timeoutMs: 60_000, intervalMs: 250, message: `a /three call for request ${requestId}` },
    );
    assert.equal(call.headers['idempotency-key'], requestId);
    assert.equal(call.headers.authorization, `Bearer ${E2E_CREDENTIALS.accessToken}`);
  },
);

Then('GET \\/one\\/\\{id} shows the request as {word}', async function (this: World, expected: string) {
  const requestId = flowOf(this).lastRequestId!;
  await eventually(async () => (await statusOf(stackOf(this).one.url, requestId)) === expected, {
    timeoutMs: 60_000,
    intervalMs: 250,
    message: `request ${requestId} ${expected}`,
  });
});
