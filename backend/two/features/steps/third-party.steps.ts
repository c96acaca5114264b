import { Given } from '@cucumber/cucumber';
import { setTopicMaxMessageBytes } from '@pkg/testkit';
import { MatchingAttributes } from 'wiremock-captain';
import type { TwoWorld } from './world.js';

const TOKEN_ENDPOINT = { method: 'POST', endpoint: '/v2/oauth/token' } as const;
export const THREE = { method: 'POST', endpoint: '/three' } as const;
const tokenAnswer = (token: string, expiresIn: number | string = 3600) => ({
  status: 200,
  headers: { 'Content-Type': 'application/json' },
  body: { access_token: token, token_type: 'Bearer', expires_in: expiresIn },
});
export const threeAnswer = (status: number) => ({
  status,
  headers: { 'Content-Type': 'application/json' },
  body: status < 300 ? { status: 'accepted' } : { error: `status ${status}` },
});

Given('the auth server issues the access token {string}', async function (this: TwoWorld, token: string) {
  await this.wiremock.stub(TOKEN_ENDPOINT, tokenAnswer(token));
});

Given(
  'the auth server issues {string} expiring in {string} seconds, then {string}',
  async function (this: TwoWorld, first: string, expiresIn: string, second: string) {
    // expires_in as a numeric string, as some servers send it.
    await this.wiremock.stubSequence(TOKEN_ENDPOINT, [tokenAnswer(first, expiresIn), tokenAnswer(second)]);
  },
);

Given(
  'the auth server issues {string}, then {string}',
  async function (this: TwoWorld, first: string, second: string) {
    await this.wiremock.stubSequence(TOKEN_ENDPOINT, [tokenAnswer(first), tokenAnswer(second)]);
  },
);

Given(
  'the auth server answers {int}, {int}, {int} and {int}, then issues {string}',
  async function (this: TwoWorld, a: number, b: number, c: number, d: number, token: string) {
    const refusal = (status: number) => ({
      status,
      headers: { 'Content-Type': 'text/plain' },
      body: 'not now',
    });
    await this.wiremock.stubSequence(TOKEN_ENDPOINT, [...[a, b, c, d].map(refusal), tokenAnswer(token)]);
  },
);

Given('the third party accepts deliveries', async function (this: TwoWorld) {
  await this.wiremock.stub(THREE, threeAnswer(200), { stubPriority: 5 });
});

Given('the third party answers 401 to {string}', async function (this: TwoWorld, authorization: string) {
  await this.wiremock.stub({ ...THREE, headers: { Authorization: authorization } }, threeAnswer(401), {
    requestHeaderFeatures: { Authorization: MatchingAttributes.EqualTo },
  });
});

Given('the third party answers 503, 503, then 200', async function (this: TwoWorld) {
  await this.wiremock.stubSequence(THREE, [threeAnswer(503), threeAnswer(503), threeAnswer(200)]);
});

Given(/^the third party (?:always )?answers (\d{3})$/, async function (this: TwoWorld, status: string) {
  await this.wiremock.stub(THREE, threeAnswer(Number(status)));
});

Given('two refreshes tokens {int} seconds before they expire', function (this: TwoWorld, seconds: number) {
  this.settings.refreshAheadMs = seconds * 1000;
});

Given('two is running', async function (this: TwoWorld) {
  await this.startTwoInProcess();
});

Given(
  'the dead-letter topic takes record batches of at most {int} bytes',
  async function (this: TwoWorld, bytes: number) {
    await setTopicMaxMessageBytes(this.kafka, this.topics.deadLetters, bytes);
  },
);

Given('two publishes in sends of at most {int} bytes', function (this: TwoWorld, bytes: number) {
  this.settings.maxPublishBatchBytes = bytes;
});
