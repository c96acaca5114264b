import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '@pkg/config';
import { configSchema } from '../../src/config.js';

const load = (env: Record<string, string>) =>
  loadConfig({ schema: configSchema, envPrefix: 'ONE', env, argv: [] });

describe("one's auth and rate limit configuration", () => {
  it('defaults to no authentication and leaves the rate limit to the mode', () => {
    const config = configSchema.parse({});
    assert.equal(config.auth.mode, 'none');
    assert.equal(config.rateLimit.enabled, undefined);
    assert.deepEqual(config.cors.allowedOrigins, []);
  });

  it('reads the contract env names (ONE_AUTH__*, ONE_REDIS__URL, ONE_RATE_LIMIT__*)', () => {
    const config = load({
      ONE_AUTH__MODE: 'jwt',
      ONE_AUTH__ISSUER: 'https://idp.example.com/',
      ONE_AUTH__AUDIENCE: 'one',
      ONE_AUTH__JWKS_URL: 'http://127.0.0.1:9000/.well-known/jwks.json',
      ONE_AUTH__ALGORITHMS: 'RS256,ES384',
      ONE_REDIS__URL: 'redis://cache:6379',
      ONE_RATE_LIMIT__ENABLED: 'true',
      ONE_RATE_LIMIT__POINTS: '7',
      ONE_RATE_LIMIT__DURATION_S: '60',
    });
    assert.deepEqual(config.auth.algorithms, ['RS256', 'ES384']);
    assert.equal(config.redis.url, 'redis://cache:6379');
    assert.deepEqual(
      {
        enabled: config.rateLimit.enabled,
        points: config.rateLimit.points,
        durationS: config.rateLimit.durationS,
      },
      { enabled: true, points: 7, durationS: 60 },
    );
  });

  it('refuses jwt mode without issuer, audience and JWKS URL', () => {
    assert.throws(() => load({ ONE_AUTH__MODE: 'jwt' }), /jwt mode needs issuer, audience and jwksUrl/);
  });

  it('refuses symmetric algorithms (HS/RS confusion) and alg none', () => {
    for (const algorithm of ['HS256', 'none']) {
      assert.throws(() => load({ ONE_AUTH__ALGORITHMS: algorithm }), /auth\.algorithms/);
    }
  });
});
