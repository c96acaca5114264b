import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import {
  base64url,
  type CryptoKey,
  exportSPKI,
  importJWK,
  type JSONWebKeySet,
  SignJWT,
  UnsecuredJWT,
} from 'jose';
import { createApp } from '../../src/app.js';
import { type DevIssuer, startDevIssuer } from '../../src/dev-issuer.js';
import { createTokenVerifier, type TokenVerifierOptions } from '../../src/verifier.js';

const issuer = 'https://issuer.test/';
const audience = 'payments-api';
const minutesFromNow = (minutes: number) => new Date(Date.now() + minutes * 60_000);

interface Reply {
  status: number;
  type: string;
  body: { title?: string; detail?: string; [member: string]: unknown };
}

interface Api {
  call(token: string | undefined, method?: string): Promise<Reply>;
  close(): Promise<void>;
}

async function startApi(devIssuer: DevIssuer, options: Partial<TokenVerifierOptions> = {}): Promise<Api> {
  const verifyToken = createTokenVerifier({ jwksUrl: devIssuer.jwksUrl, issuer, audience, ...options });
  const server: Server = await new Promise((resolve) => {
    const s = createApp({ verifyToken }).listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/payments`;
  return {
    async call(token, method = 'GET') {
      const res = await fetch(url, { method, headers: token ? { authorization: `Bearer ${token}` } : {} });
      return {
        status: res.status,
        type: res.headers.get('content-type') ?? '',
        body: (await res.json()) as Reply['body'],
      };
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('authenticate + requireRole against a JWKS', () => {
  let devIssuer: DevIssuer;
  let api: Api;
  const reader = { sub: 'alice', scope: 'payments:read' };

  before(async () => {
    devIssuer = await startDevIssuer({ issuer, audience });
    await devIssuer.addKey('rs-1', 'RS256');
    await devIssuer.addKey('es-1', 'ES256');
    api = await startApi(devIssuer);
  });
  after(async () => {
    await api.close();
    await devIssuer.close();
  });

  const assertUnauthorized = (res: Reply) => {
    assert.equal(res.status, 401);
    assert.match(res.type, /^application\/problem\+json/);
    assert.equal(res.body.title, 'Unauthorized');
  };

  it('lets a valid RS256 token with the right role through', async () => {
    const res = await api.call(await devIssuer.sign('rs-1', reader));
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { payments: [] });
  });

  it('lets a valid ES256 token through', async () => {
    assert.equal((await api.call(await devIssuer.sign('es-1', reader))).status, 200);
  });

  it('answers 401 problem+json without a token', async () => {
    assertUnauthorized(await api.call(undefined));
  });

  it('answers 401 for an expired token', async () => {
    const token = await devIssuer.sign('rs-1', reader, { expiresAt: minutesFromNow(-10) });
    const res = await api.call(token);
    assertUnauthorized(res);
    assert.equal(res.body.detail, 'The token has expired.');
  });

  it('answers 401 for a token that is not valid yet', async () => {
    assertUnauthorized(
      await api.call(await devIssuer.sign('rs-1', reader, { notBefore: minutesFromNow(10) })),
    );
  });

  it('answers 401 for a token meant for another audience', async () => {
    const res = await api.call(await devIssuer.sign('rs-1', reader, { audience: 'other-api' }));
    assertUnauthorized(res);
    assert.match(res.body.detail ?? '', /aud/);
  });

  it('answers 401 for a token from another issuer', async () => {
    const res = await api.call(await devIssuer.sign('rs-1', reader, { issuer: 'https://evil.test/' }));
    assertUnauthorized(res);
    assert.match(res.body.detail ?? '', /iss/);
  });

  it('answers 401 for an unsigned token (alg: none)', async () => {
    const token = new UnsecuredJWT(reader).setIssuer(issuer).setAudience(audience).setExpirationTime('5m');
    assertUnauthorized(await api.call(token.encode()));
  });

  it('answers 401 for an HS256 token keyed with the public key (algorithm confusion)', async () => {
    // The attacker knows the public key (it is public) and hopes we verify HMAC with it as the secret.
    const jwks = (await (await fetch(devIssuer.jwksUrl)).json()) as JSONWebKeySet;
    const rsaJwk = jwks.keys.find((key) => key.kid === 'rs-1');
    assert.ok(rsaJwk);
    const secret = new TextEncoder().encode(
      await exportSPKI((await importJWK(rsaJwk, 'RS256', { extractable: true })) as CryptoKey),
    );
    const token = await new SignJWT(reader)
      .setProtectedHeader({ alg: 'HS256', kid: 'rs-1' })
      .setIssuer(issuer)
      .setAudience(audience)
      .setExpirationTime('5m')
      .sign(secret);
    const res = await api.call(token);
    assertUnauthorized(res);
    assert.match(res.body.detail ?? '', /algorithm/);
  });

  it('answers 401 for a token whose signature was tampered with', async () => {
    const [header, , signature] = (await devIssuer.sign('rs-1', reader)).split('.');
    const forged = base64url.encode(
      JSON.stringify({ ...reader, scope: 'admin', iss: issuer, aud: audience }),
    );
    assertUnauthorized(await api.call(`${header}.${forged}.${signature}`));
  });

  it('answers 403 problem+json when the token lacks the role', async () => {
    const res = await api.call(await devIssuer.sign('rs-1', reader), 'POST');
    assert.equal(res.status, 403);
    assert.match(res.type, /^application\/problem\+json/);
    assert.match(res.body.detail ?? '', /payments\.writer/);
  });

  it('answers 401 for an unknown kid and refetches the JWKS at most once per cooldown', async () => {
    await devIssuer.addKey('never-published', 'RS256', { publish: false });
    const token = await devIssuer.sign('never-published', reader);
    const fetchesBefore = devIssuer.fetchCount;
    for (let i = 0; i < 5; i += 1) assertUnauthorized(await api.call(token));
    assert.ok(
      devIssuer.fetchCount - fetchesBefore <= 1,
      `fetched ${devIssuer.fetchCount - fetchesBefore} times`,
    );
  });
});

describe('key rotation', () => {
  it('accepts tokens signed with a key published after the key set was cached', async () => {
    const devIssuer = await startDevIssuer({ issuer, audience });
    // No cooldown here so the refetch on the new kid happens at once; production keeps the default.
    const api = await startApi(devIssuer, { refetchCooldownMs: 0 });
    try {
      await devIssuer.addKey('2024-old', 'RS256');
      assert.equal(
        (await api.call(await devIssuer.sign('2024-old', { sub: 'a', roles: ['admin'] }))).status,
        200,
      );

      await devIssuer.addKey('2025-new', 'ES256', { publish: false });
      const fresh = await devIssuer.sign('2025-new', { sub: 'a', roles: ['admin'] });
      assert.equal((await api.call(fresh)).status, 401, 'not published yet');

      devIssuer.publish('2025-new');
      assert.equal((await api.call(fresh)).status, 200);
      assert.equal(
        (await api.call(await devIssuer.sign('2024-old', { sub: 'a', roles: ['admin'] }))).status,
        200,
      );
    } finally {
      await api.close();
      await devIssuer.close();
    }
  });
});

describe('an unreachable JWKS', () => {
  it('answers 503 rather than 401, so clients keep their token', async () => {
    const devIssuer = await startDevIssuer({ issuer, audience });
    await devIssuer.addKey('rs-1', 'RS256');
    const token = await devIssuer.sign('rs-1', { sub: 'a', roles: ['admin'] });
    const api = await startApi(devIssuer);
    await devIssuer.close();
    try {
      const res = await api.call(token);
      assert.equal(res.status, 503);
      assert.match(res.type, /^application\/problem\+json/);
    } finally {
      await api.close();
    }
  });
});
