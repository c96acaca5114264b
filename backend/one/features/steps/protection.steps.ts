// API protection scenarios: a stand-in identity provider (a real JWKS server on a local port),
// instances of one in jwt or none mode, the real Redis (directly or behind a TCP proxy).
import assert from 'node:assert/strict';
import { Given, Then, When } from '@cucumber/cucumber';
import {
  base64url,
  type CryptoKey,
  exportSPKI,
  importJWK,
  type JSONWebKeySet,
  SignJWT,
  UnsecuredJWT,
} from 'jose';
import { type DevIssuer, startDevIssuer } from '@pkg/auth/dev-issuer';
import { Redis } from 'ioredis';
import { eventually, startTcpProxy, type TcpProxy, uniqueId } from '@pkg/testkit';
import { hostAndPort, infrastructure } from '../support/infrastructure.js';
import { assertProblem } from '../support/problems.js';
import { startOne, type ServiceOverrides, type TestInstance } from '../support/service-under-test.js';
import type { Answer, OneWorld } from '../support/world.js';

const issuer = 'https://issuer.test/';
const audience = 'one';
const READ_ANY = 'one:read-any';

interface ProtectionState {
  provider?: DevIssuer;
  instances: TestInstance[];
  redisProxy?: TcpProxy;
  fetchesBefore?: number;
  answers: Answer[];
}
const states = new WeakMap<OneWorld, ProtectionState>();
function state(world: OneWorld): ProtectionState {
  let current = states.get(world);
  if (!current) {
    current = { instances: [], answers: [] };
    states.set(world, current);
  }
  return current;
}
const provider = (world: OneWorld) => {
  const current = state(world).provider;
  assert.ok(current, 'the scenario has no identity provider');
  return current;
};

async function startInstance(world: OneWorld, overrides: ServiceOverrides): Promise<TestInstance> {
  const instance = await startOne(overrides);
  world.cleanups.push(() => instance.stop());
  state(world).instances.push(instance);
  world.service = state(world).instances[0]!;
  return instance;
}

function jwtMode(world: OneWorld): ServiceOverrides['auth'] {
  return {
    mode: 'jwt',
    issuer,
    audience,
    jwksUrl: provider(world).jwksUrl.href,
    readAnyScope: READ_ANY,
  };
}

const sign = (world: OneWorld, claims: Record<string, unknown> = {}, kid = 'rs-1') =>
  provider(world).sign(kid, { sub: world.userId, ...claims });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const minutesFromNow = (minutes: number) => new Date(Date.now() + minutes * 60_000);

Given('an identity provider publishing an RS256 key {string}', async function (this: OneWorld, kid: string) {
  const issuerServer = await startDevIssuer({ issuer, audience });
  await issuerServer.addKey(kid, 'RS256');
  await issuerServer.addKey('never-published', 'RS256', { publish: false });
  state(this).provider = issuerServer;
  // close() twice is harmless for the scenario that takes it down itself
  this.cleanups.push(() => issuerServer.close().catch(() => undefined));
});

Given('service one in jwt mode trusting that provider', async function (this: OneWorld) {
  await startInstance(this, { auth: jwtMode(this) });
});

Given(
  'service one in jwt mode with a limit of {int} requests per {int} s',
  async function (this: OneWorld, points: number, durationS: number) {
    await startInstance(this, { auth: jwtMode(this), rateLimit: { enabled: true, points, durationS } });
  },
);

Given(
  'two instances of service one in jwt mode with a limit of {int} requests per {int} s',
  async function (this: OneWorld, points: number, durationS: number) {
    for (let i = 0; i < 2; i += 1) {
      await startInstance(this, { auth: jwtMode(this), rateLimit: { enabled: true, points, durationS } });
    }
  },
);

Given(
  /^service one in none mode with a limit of (\d+) requests per (\d+) s( behind a Redis proxy)?$/,
  async function (this: OneWorld, points: string, durationS: string, proxied: string | undefined) {
    let redisUrl: string | undefined;
    if (proxied) {
      const proxy = await startTcpProxy(hostAndPort(infrastructure.redisUrl));
      this.cleanups.push(() => proxy.close());
      state(this).redisProxy = proxy;
      redisUrl = `redis://${proxy.address}`;
    }
    // A limit key of its own: the address 127.0.0.1 is shared by every scenario of the run.
    await startInstance(this, {
      redisUrl,
      rateLimit: { enabled: true, points: Number(points), durationS: Number(durationS) },
    });
    await resetAddressLimit();
  },
);

Given(
  'service one in none mode allowing the origin {string}',
  async function (this: OneWorld, origin: string) {
    await startInstance(this, { cors: { allowedOrigins: [origin] } });
  },
);

/** none mode keys the limit by address; scenarios run one after another, so start each from zero. */
async function resetAddressLimit(): Promise<void> {
  const redis = new Redis(infrastructure.redisUrl);
  try {
    const keys = await redis.keys('one:ratelimit:address*');
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}

async function tokenOfKind(world: OneWorld, kind: string): Promise<string | undefined> {
  switch (kind) {
    case 'no token':
      return undefined;
    case 'a valid token':
      return sign(world);
    case 'an expired token':
      return provider(world).sign('rs-1', { sub: world.userId }, { expiresAt: minutesFromNow(-10) });
    case 'a token that is not valid yet':
      return provider(world).sign('rs-1', { sub: world.userId }, { notBefore: minutesFromNow(10) });
    case 'a token with a tampered payload': {
      const [header, , signature] = (await sign(world)).split('.');
      const forged = base64url.encode(
        JSON.stringify({ sub: world.userId, iss: issuer, aud: audience, exp: Date.now() / 1000 + 300 }),
      );
      return `${header}.${forged}.${signature}`;
    }
    case 'a token from another issuer':
      return provider(world).sign('rs-1', { sub: world.userId }, { issuer: 'https://evil.test/' });
    case 'a token for another audience':
      return provider(world).sign('rs-1', { sub: world.userId }, { audience: 'other-api' });
    case 'an unsigned token (alg none)':
      return new UnsecuredJWT({ sub: world.userId })
        .setIssuer(issuer)
        .setAudience(audience)
        .setExpirationTime('5m')
        .encode();
    case 'an HS256 token keyed with the public key': {
      // The attacker knows the public key (it is public) and hopes it is used as the HMAC secret.
      const jwks = (await (await fetch(provider(world).jwksUrl)).json()) as JSONWebKeySet;
      const rsaJwk = jwks.keys.find((key) => key.kid === 'rs-1');
      assert.ok(rsaJwk);
      const secret = new TextEncoder().encode(
        await exportSPKI((await importJWK(rsaJwk, 'RS256', { extractable: true })) as CryptoKey),
      );
      return new SignJWT({ sub: world.userId })
        .setProtectedHeader({ alg: 'HS256', kid: 'rs-1' })
        .setIssuer(issuer)
        .setAudience(audience)
        .setExpirationTime('5m')
        .sign(secret);
    }
    case 'a token signed with a key that was never published':
      return sign(world, {}, 'never-published');
    case 'a token that is not a JWT':
      return 'not-a-jwt';
    default:
      throw new Error(`unknown token kind: ${kind}`);
  }
}

async function postOwn(world: OneWorld, token: string | undefined, body = world.fixture()): Promise<Answer> {
  return world.postJson(JSON.stringify(body), 'application/json', token === undefined ? {} : bearer(token));
}

When(/^a client posts its own request with (.+)$/, async function (this: OneWorld, kind: string) {
  await postOwn(this, await tokenOfKind(this, kind));
});

Given(/^(?:a|the) client has posted its own request with a valid token$/, async function (this: OneWorld) {
  const answer = await postOwn(this, await sign(this));
  assert.equal(answer.status, 201, answer.text);
  this.requestId = (answer.body as { request_id: string }).request_id;
});

When('a client posts a request for another user with a valid token', async function (this: OneWorld) {
  await postOwn(this, await sign(this), { ...this.fixture(), user_id: uniqueId('someone-else') });
});

Then('the answer is 401 with a Bearer challenge', function (this: OneWorld) {
  assertUnauthorized(this.lastAnswer);
});

function assertUnauthorized(answer: Answer): void {
  assertProblem(answer, 401, 'about:blank');
  assert.match(answer.headers.get('www-authenticate') ?? '', /^Bearer realm="one"/);
}

Then('the client reads its request with its token and gets 200', async function (this: OneWorld) {
  const answer = await this.send(`/one/${this.acceptedId}`, { headers: bearer(await sign(this)) });
  assert.equal(answer.status, 200, answer.text);
  assert.equal((answer.body as { user_id: string }).user_id, this.userId);
});

When('another user reads that request', async function (this: OneWorld) {
  await this.send(`/one/${this.acceptedId}`, {
    headers: bearer(await sign(this, { sub: uniqueId('other') })),
  });
});

When('a support user with the read-any scope reads that request', async function (this: OneWorld) {
  const token = await sign(this, { sub: uniqueId('support'), scope: `openid ${READ_ANY}` });
  await this.send(`/one/${this.acceptedId}`, { headers: bearer(token) });
});

Then('the answer is 200 with the request', function (this: OneWorld) {
  const answer = this.lastAnswer;
  assert.equal(answer.status, 200, answer.text);
  assert.equal((answer.body as { request_id: string }).request_id, this.acceptedId);
});

When(
  'the client sends {int} requests signed with a key that was never published',
  async function (this: OneWorld, count: number) {
    state(this).fetchesBefore = provider(this).fetchCount;
    const token = await sign(this, {}, 'never-published');
    for (let i = 0; i < count; i += 1) state(this).answers.push(await postOwn(this, token));
  },
);

Then('every one of them is answered 401 with a Bearer challenge', function (this: OneWorld) {
  assert.ok(state(this).answers.length > 0);
  for (const answer of state(this).answers) assertUnauthorized(answer);
});

Then('the key set was fetched at most once more', function (this: OneWorld) {
  const fetched = provider(this).fetchCount - (state(this).fetchesBefore ?? 0);
  assert.ok(fetched <= 1, `the JWKS was fetched ${fetched} times`);
});

When("the identity provider's key server goes down", async function (this: OneWorld) {
  await provider(this).close();
});

Then('the answer has no WWW-Authenticate header', function (this: OneWorld) {
  assert.equal(this.lastAnswer.headers.get('www-authenticate'), null);
});

function instance(world: OneWorld, ordinal: string): TestInstance {
  const found = state(world).instances[ordinal === 'first' ? 0 : 1];
  assert.ok(found, `no ${ordinal} instance`);
  return found;
}

async function postTo(world: OneWorld, target: TestInstance, sub = world.userId): Promise<Answer> {
  world.service = target;
  return postOwn(world, await sign(world, { sub }), { ...world.fixture(), user_id: sub });
}

When(
  'the client posts {int} requests to the first instance and {int} to the second',
  async function (this: OneWorld, first: number, second: number) {
    for (let i = 0; i < first; i += 1) state(this).answers.push(await postTo(this, instance(this, 'first')));
    for (let i = 0; i < second; i += 1)
      state(this).answers.push(await postTo(this, instance(this, 'second')));
  },
);

Then(
  'all {int} are accepted with RateLimit headers counting down to 0',
  function (this: OneWorld, count: number) {
    const answers = state(this).answers;
    assert.equal(answers.length, count);
    answers.forEach((answer, index) => {
      assert.equal(answer.status, 201, answer.text);
      assert.equal(answer.headers.get('ratelimit-policy'), `"one";q=${count};w=60`);
      assert.match(
        answer.headers.get('ratelimit') ?? '',
        new RegExp(`^"one";r=${count - 1 - index};t=\\d+$`),
      );
    });
  },
);

When('the client posts 1 more request to the second instance', async function (this: OneWorld) {
  await postTo(this, instance(this, 'second'));
});

Then('the answer has a Retry-After header and RateLimit headers with 0 remaining', function (this: OneWorld) {
  const { headers } = this.lastAnswer;
  const retryAfter = Number(headers.get('retry-after'));
  assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`);
  assert.match(headers.get('ratelimit') ?? '', /^"one";r=0;t=\d+$/);
  assert.ok(headers.get('ratelimit-policy'));
});

Then('another user posting to the first instance is accepted', async function (this: OneWorld) {
  const answer = await postTo(this, instance(this, 'first'), uniqueId('usr-other'));
  assert.equal(answer.status, 201, answer.text);
});

When(
  /^a client posts the fixture request to \/one (\d+) times$/,
  async function (this: OneWorld, times: string) {
    state(this).answers = [];
    for (let i = 0; i < Number(times); i += 1) state(this).answers.push(await postOwn(this, undefined));
  },
);

When('Redis becomes unreachable for service one', async function (this: OneWorld) {
  await state(this).redisProxy!.stop();
});

When('Redis is reachable again', async function (this: OneWorld) {
  await state(this).redisProxy!.start();
  // ioredis reconnects on its own (at most a second apart); wait until the limiter counts again
  // (that first counted request uses 1 of the 2 points).
  await eventually(async () => {
    const answer = await this.send('/one/1');
    assert.ok(answer.headers.get('ratelimit'), 'the limiter is not counting yet');
    return true;
  });
});

Then('all of them are accepted', function (this: OneWorld) {
  for (const answer of state(this).answers) assert.equal(answer.status, 201, answer.text);
});

Then('the metric {word} counts them', async function (this: OneWorld, metric: string) {
  const text = await (await fetch(`${this.service.url}/metrics`)).text();
  const line = text.split('\n').find((candidate) => candidate.startsWith(metric));
  assert.ok(line, `${metric} not exported`);
  assert.ok(Number(line.split(' ').at(-1)) >= state(this).answers.length, line);
});

Then('the last answer is {int}', function (this: OneWorld, status: number) {
  assert.equal(state(this).answers.at(-1)?.status, status, state(this).answers.at(-1)?.text);
});

When(/^a browser on "([^"]+)" reads \/one\/1$/, async function (this: OneWorld, origin: string) {
  await this.send('/one/1', { headers: { origin } });
});

Then('the answer allows the origin {string}', function (this: OneWorld, origin: string) {
  assert.equal(this.lastAnswer.headers.get('access-control-allow-origin'), origin);
});

Then('the answer allows no origin', function (this: OneWorld) {
  assert.equal(this.lastAnswer.headers.get('access-control-allow-origin'), null);
});

Then(
  'the answer carries the headers X-Content-Type-Options {string} and X-Frame-Options {string}',
  function (this: OneWorld, nosniff: string, frame: string) {
    assert.equal(this.lastAnswer.headers.get('x-content-type-options'), nosniff);
    assert.equal(this.lastAnswer.headers.get('x-frame-options'), frame);
  },
);

/** The conformance scenarios' requests against a jwt-mode instance; false: not one of them. */
export async function sendProtectedRequest(world: OneWorld, name: string): Promise<boolean> {
  switch (name) {
    case 'the fixture request with its token':
      await postOwn(world, await sign(world));
      return true;
    case 'the fixture request without a token':
      await postOwn(world, undefined);
      return true;
    case 'a GET without a token':
      await world.send('/one/1');
      return true;
    case 'the fixture request for another user':
      await postOwn(world, await sign(world), { ...world.fixture(), user_id: uniqueId('someone-else') });
      return true;
    case "a GET of another user's request": {
      const accepted = await postOwn(world, await sign(world));
      const { request_id: id } = accepted.body as { request_id: string };
      await world.send(`/one/${id}`, { headers: bearer(await sign(world, { sub: uniqueId('other') })) });
      return true;
    }
    case 'three requests within the limit window':
      for (let i = 0; i < 3; i += 1) await postOwn(world, await sign(world));
      return true;
    default:
      return false;
  }
}
