import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { UnsecuredJWT } from 'jose';
import { type DevIssuer, startDevIssuer } from '../../src/dev-issuer.js';
import { createTokenVerifier, type AllowedAlgorithm } from '../../src/verifier.js';

const issuer = 'https://issuer.test/';
const audience = 'one';

describe('createTokenVerifier', () => {
  let devIssuer: DevIssuer;
  before(async () => {
    devIssuer = await startDevIssuer({ issuer, audience });
    await devIssuer.addKey('rs-1', 'RS256');
    await devIssuer.addKey('es-1', 'ES256');
  });
  after(() => devIssuer.close());

  it('returns the payload of a valid token', async () => {
    const verify = createTokenVerifier({ jwksUrl: devIssuer.jwksUrl, issuer, audience });
    const result = await verify(await devIssuer.sign('rs-1', { sub: 'alice' }));
    assert.ok(result.ok);
    assert.equal(result.payload.sub, 'alice');
  });

  it('refuses an algorithm outside the configured list', async () => {
    const verify = createTokenVerifier({
      jwksUrl: devIssuer.jwksUrl,
      issuer,
      audience,
      algorithms: ['RS256'],
    });
    const result = await verify(await devIssuer.sign('es-1', { sub: 'alice' }));
    assert.deepEqual(result, {
      ok: false,
      reason: 'invalid_token',
      detail: 'The token is signed with an algorithm that is not allowed.',
    });
  });

  it('refuses alg none', async () => {
    const verify = createTokenVerifier({ jwksUrl: devIssuer.jwksUrl, issuer, audience });
    const token = new UnsecuredJWT({ sub: 'alice' })
      .setIssuer(issuer)
      .setAudience(audience)
      .setExpirationTime('5m');
    assert.equal((await verify(token.encode())).ok, false);
  });

  it('refuses to be configured with a symmetric algorithm (HS/RS confusion)', () => {
    assert.throws(
      () =>
        createTokenVerifier({
          jwksUrl: devIssuer.jwksUrl,
          issuer,
          audience,
          algorithms: ['HS256' as AllowedAlgorithm],
        }),
      /not an asymmetric JWS algorithm: HS256/,
    );
  });

  it('reports an unreachable JWKS as keys_unavailable, not as a bad token', async () => {
    const gone = await startDevIssuer({ issuer, audience });
    await gone.addKey('rs-1', 'RS256');
    const token = await gone.sign('rs-1', { sub: 'alice' });
    await gone.close();
    const verify = createTokenVerifier({ jwksUrl: gone.jwksUrl, issuer, audience });
    const result = await verify(token);
    assert.equal(result.ok, false);
    assert.equal(!result.ok && result.reason, 'keys_unavailable');
  });
});
