import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { MockAgent } from 'undici';
import {
  AccessTokenError,
  basicAuthorization,
  createAccessTokenClient,
  type AccessTokenClientOptions,
} from '../../src/index.js';

const AUTH = 'http://auth.test';
const SECRET = 's3cr3t value';

describe('createAccessTokenClient', () => {
  let agent: MockAgent;
  let now: number;
  let fetches: string[];

  beforeEach(() => {
    agent = new MockAgent();
    agent.disableNetConnect();
    now = 1_000_000;
    fetches = [];
  });
  afterEach(() => agent.close());

  const client = (overrides: Partial<AccessTokenClientOptions> = {}) =>
    createAccessTokenClient({
      tokenUrl: AUTH,
      clientId: 'two',
      clientSecret: SECRET,
      scope: 'three:write',
      refreshAheadMs: 10_000,
      retry: { maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 2 },
      clock: () => now,
      dispatcher: agent,
      onFetch: (event) => fetches.push(event.outcome),
      ...overrides,
    });

  const tokenEndpoint = () => agent.get(AUTH).intercept({ path: '/v2/oauth/token', method: 'POST' });
  const answers = (token: string, expiresIn: number | string = 3600) =>
    tokenEndpoint().reply(200, { access_token: token, token_type: 'Bearer', expires_in: expiresIn });

  it('posts the client-credentials form with HTTP Basic and returns the access token', async () => {
    let seen: { body: unknown; headers: unknown } | undefined;
    tokenEndpoint().reply((options) => {
      seen = { body: options.body, headers: options.headers };
      return { statusCode: 200, data: { access_token: 'tok-1', expires_in: 60 } };
    });

    assert.equal(await client().getToken(), 'tok-1');
    assert.equal(seen?.body, 'grant_type=client_credentials&scope=three%3Awrite');
    const headers = seen?.headers as Record<string, string>;
    assert.equal(headers.authorization, basicAuthorization('two', SECRET));
    assert.equal(headers['content-type'], 'application/x-www-form-urlencoded');
  });

  it('form-encodes id and secret inside the Basic credentials (RFC 6749 §2.3.1)', () => {
    const decoded = Buffer.from(basicAuthorization('a b', 'x:y').slice('Basic '.length), 'base64').toString();
    assert.equal(decoded, 'a+b:x%3Ay');
  });

  it('fetches once for many concurrent callers', async () => {
    answers('tok-1');
    const shared = client();
    const tokens = await Promise.all(Array.from({ length: 20 }, () => shared.getToken()));
    assert.deepEqual(new Set(tokens), new Set(['tok-1']));
    assert.deepEqual(fetches, ['success']);
  });
  it('accepts expires_in as a numeric string', async () => {
    answers('tok-1', '120');
    const tokens = client();
    assert.equal(await tokens.getToken(), 'tok-1');
    now += 109_000; // 11 s left, more than the 10 s margin: still cached
    assert.equal(await tokens.getToken(), 'tok-1');
    assert.deepEqual(fetches, ['success']);
  });

  it('refreshes a token that is within the margin of expiry, before it expires', async () => {
    answers('tok-1', 60);
    answers('tok-2', 60);
    const tokens = client();
    assert.equal(await tokens.getToken(), 'tok-1');
    now += 51_000; // 9 s left
    assert.equal(await tokens.getToken(), 'tok-2');
    assert.deepEqual(fetches, ['success', 'success']);
  });

  it('keeps using a still-valid token when its early refresh fails', async () => {
    answers('tok-1', 60);
    tokenEndpoint().reply(400, { error: 'invalid_client' });
    const tokens = client();
    await tokens.getToken();
    now += 55_000;
    assert.equal(await tokens.getToken(), 'tok-1');
  });

  it('fetches a new token after invalidate(), but not when an older token is reported', async () => {
    answers('tok-1');
    answers('tok-2');
    const tokens = client();
    assert.equal(await tokens.getToken(), 'tok-1');
    tokens.invalidate('some-older-token');
    assert.equal(await tokens.getToken(), 'tok-1');
    tokens.invalidate('tok-1');
    assert.equal(await tokens.getToken(), 'tok-2');
  });

  it('retries 5xx and timeouts, then succeeds', async () => {
    tokenEndpoint().reply(503, 'busy');
    tokenEndpoint().reply(200, { access_token: 'late', expires_in: 60 }).delay(200);
    answers('tok-1');
    assert.equal(await client({ timeoutMs: 50 }).getToken(), 'tok-1');
    assert.deepEqual(fetches, ['success']);
  });

  it('does not retry a 4xx, and names the OAuth error code', async () => {
    tokenEndpoint().reply(401, { error: 'invalid_client', error_description: `bad ${SECRET}` });
    answers('never-fetched');
    await assert.rejects(client().getToken(), (error: unknown) => {
      assert.ok(error instanceof AccessTokenError);
      assert.equal(error.status, 401);
      assert.equal(error.message, 'token endpoint answered 401 (invalid_client)');
      return true;
    });
    assert.deepEqual(fetches, ['failure']);
  });

  it('gives up after the configured attempts on persistent 5xx', async () => {
    for (let i = 0; i < 3; i += 1) tokenEndpoint().reply(500, 'down');
    await assert.rejects(client().getToken(), /token endpoint answered 500/);
  });

  it('refuses an answer without a usable expires_in', async () => {
    answers('tok-1', 'soon');
    await assert.rejects(client().getToken(), /positive numeric expires_in/);
  });

  it('never puts the secret into an error: not its message, stack, cause chain or inspection', async () => {
    tokenEndpoint().reply(500, `echo ${SECRET}`).times(3);
    tokenEndpoint().replyWithError(
      Object.assign(new Error(`socket hang up ${SECRET}`), { code: 'ECONNRESET' }),
    );
    const failures = [
      await client()
        .getToken()
        .catch((caught: unknown) => caught),
      await client({ retry: { maxAttempts: 1 } })
        .getToken()
        .catch((caught: unknown) => caught),
    ];
    for (const error of failures) {
      assert.ok(error instanceof AccessTokenError);
      const shown = inspect(error, { depth: null, showHidden: true }) + JSON.stringify(error);
      for (const secret of [SECRET, encodeURIComponent(SECRET), basicAuthorization('two', SECRET).slice(6)])
        assert.ok(!shown.includes(secret), `${error.message} shows the secret`);
    }
  });

  it('retries network errors, 408 and 429 (an auth server restarting), then succeeds', async () => {
    tokenEndpoint().replyWithError(
      Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    );
    tokenEndpoint().reply(408, 'slow');
    tokenEndpoint().reply(429, 'busy');
    answers('tok-1');
    assert.equal(
      await client({ retry: { maxAttempts: 4, initialDelayMs: 1, maxDelayMs: 2 } }).getToken(),
      'tok-1',
    );
    assert.deepEqual(fetches, ['success']);
  });

  it('reports an unreachable auth server as retryable once the retries run out', async () => {
    for (let i = 0; i < 3; i += 1)
      tokenEndpoint().replyWithError(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }));
    await assert.rejects(client().getToken(), (error: unknown) => {
      assert.ok(error instanceof AccessTokenError);
      assert.equal(error.retryable, true);
      assert.equal(error.message, 'token endpoint unreachable (ECONNRESET)');
      return true;
    });
  });

  it('reuses a token whose lifetime is at most the margin for half of it, instead of fetching on every call', async () => {
    answers('tok-1', 30);
    answers('tok-2', 30);
    const tokens = client({ refreshAheadMs: 30_000 });
    for (let call = 0; call < 10; call += 1) {
      assert.equal(await tokens.getToken(), 'tok-1');
      now += 1_000; // 10 calls over 10 s of a 30 s token
    }
    assert.deepEqual(fetches, ['success']);
    now += 5_000; // 15 s into its life: half of it left, the margin's upper bound
    assert.equal(await tokens.getToken(), 'tok-2');
  });
});
