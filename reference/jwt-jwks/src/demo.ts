import type { AddressInfo } from 'node:net';
import { createApp } from './app.js';
import { startDevIssuer } from './dev-issuer.js';
import { createTokenVerifier } from './verifier.js';

// One command to try the middleware without an identity provider: a local issuer, the example API,
// and ready-made tokens to paste into curl.
const issuer = 'https://issuer.local/';
const audience = 'payments-api';
const devIssuer = await startDevIssuer({ issuer, audience });
await devIssuer.addKey('demo-rs', 'RS256');
const verifyToken = createTokenVerifier({ jwksUrl: devIssuer.jwksUrl, issuer, audience });
const server = createApp({ verifyToken }).listen(8095, '127.0.0.1', async () => {
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const reader = await devIssuer.sign('demo-rs', { sub: 'alice', scope: 'payments:read' });
  const writer = await devIssuer.sign('demo-rs', { sub: 'bob', roles: ['payments:write'] });
  console.log(`API on ${base}, JWKS on ${devIssuer.jwksUrl.href}. Try:`);
  console.log(`  curl -i ${base}/api/payments                      # 401, no token`);
  console.log(`  curl -i -H 'authorization: Bearer ${reader}' ${base}/api/payments`);
  console.log(`  curl -i -X POST -H 'authorization: Bearer ${reader}' ${base}/api/payments   # 403`);
  console.log(`  curl -i -X POST -H 'authorization: Bearer ${writer}' ${base}/api/payments   # 202`);
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => server.close(() => void devIssuer.close().then(() => process.exit(0))));
}
