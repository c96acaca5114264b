// The bad-input drill in `auth.mode: jwt`: a second instance of one trusting a stand-in identity
// provider (a JWKS server in this process, @pkg/auth/dev-issuer). Every corpus case is sent with a
// valid bearer token whose subject is the corpus' user (u-1), so validation is what refuses them;
// then the token's own defects (none, garbage, expired, alg none, unknown key, another issuer) and
// a valid body for another user. Rule as in none mode: every answer 4xx problem+json, nothing stored.
import { UnsecuredJWT } from 'jose';
import { startDevIssuer } from '@pkg/auth/dev-issuer';
import { PORTS } from '../bench/harness/system-under-test.js';
import { type CorpusCase, runBadInputCorpus } from './bad-input.js';
import type { Drill } from './drills/drill.js';

const issuer = 'https://issuer.drill/';
const audience = 'one';
const CORPUS_USER = 'u-1';

export const badInputJwt: Drill = async ({ system, log }) => {
  const provider = await startDevIssuer({ issuer, audience });
  await provider.addKey('drill-rs', 'RS256');
  await provider.addKey('unpublished', 'RS256', { publish: false });
  const oneUrl = `http://127.0.0.1:${PORTS.oneSecond}`;
  const one = await system.startOne({
    ONE_HTTP__PORT: String(PORTS.oneSecond),
    ONE_AUTH__MODE: 'jwt',
    ONE_AUTH__ISSUER: issuer,
    ONE_AUTH__AUDIENCE: audience,
    ONE_AUTH__JWKS_URL: provider.jwksUrl.href,
    // The corpus is sent back to back by one subject: the limit is not what this drill is about.
    ONE_RATE_LIMIT__POINTS: '100000',
  });
  log(`one in jwt mode on ${oneUrl} (pid ${one.pid}), JWKS ${provider.jwksUrl.href}`);
  try {
    const valid = await provider.sign('drill-rs', { sub: CORPUS_USER });
    const databaseUrl = system.infra.databaseUrl('one');
    const corpus = await runBadInputCorpus({ oneUrl, databaseUrl, headers: bearer(valid) });
    const fixture = JSON.stringify({ user_id: CORPUS_USER, prompt: 'p', data: [] });
    const tokenCase = (name: string, headers: Record<string, string>, body = fixture): CorpusCase => ({
      group: 'tokens',
      name,
      contentType: 'application/json',
      body,
      headers,
    });
    const tokens = await runBadInputCorpus({
      oneUrl,
      databaseUrl,
      cases: [
        tokenCase('no token', {}),
        tokenCase('not a bearer scheme', { authorization: `Basic ${valid}` }),
        tokenCase('garbage token', bearer('a.b.c')),
        tokenCase(
          'expired',
          bearer(await provider.sign('drill-rs', { sub: CORPUS_USER }, { expiresAt: new Date(0) })),
        ),
        tokenCase(
          'not valid yet',
          bearer(
            await provider.sign(
              'drill-rs',
              { sub: CORPUS_USER },
              { notBefore: new Date(Date.now() + 3_600_000) },
            ),
          ),
        ),
        tokenCase(
          'another issuer',
          bearer(await provider.sign('drill-rs', { sub: CORPUS_USER }, { issuer: 'https://evil.drill/' })),
        ),
        tokenCase(
          'another audience',
          bearer(await provider.sign('drill-rs', { sub: CORPUS_USER }, { audience: 'other' })),
        ),
        tokenCase('unknown key id', bearer(await provider.sign('unpublished', { sub: CORPUS_USER }))),
        tokenCase(
          'alg none',
          bearer(
            new UnsecuredJWT({ sub: CORPUS_USER })
              .setIssuer(issuer)
              .setAudience(audience)
              .setExpirationTime('5m')
              .encode(),
          ),
        ),
        tokenCase(
          'valid token, body for another user',
          bearer(valid),
          JSON.stringify({ user_id: 'u-2', prompt: 'p', data: [] }),
        ),
      ],
    });
    return {
      pass: corpus.pass && tokens.pass,
      rule: 'jwt mode: every corpus case (sent with a valid token) and every token defect answered 4xx application/problem+json, nothing stored',
      counts: {
        cases: corpus.cases + tokens.cases,
        answered4xx: corpus.answered4xx + tokens.answered4xx,
        answered5xx: corpus.answered5xx + tokens.answered5xx,
        answered2xx: corpus.answered2xx + tokens.answered2xx,
        rowsStored: corpus.rowsStored + tokens.rowsStored,
        failedCases: [...corpus.failures, ...tokens.failures]
          .map((f) => `${f.name}: ${f.status} ${f.contentType}`)
          .join('; '),
      },
    };
  } finally {
    await one.stop();
    await provider.close();
  }
};

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
