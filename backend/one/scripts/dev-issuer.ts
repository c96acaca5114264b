// A stand-in identity provider for trying `auth.mode: jwt` locally (never in production): serves a
// JWKS on 127.0.0.1:8097 and prints the variables that switch one to jwt mode plus tokens to curl
// with. `npm run dev-issuer -w backend/one [-- <user id> ...]`; Ctrl-C stops it.
import { startDevIssuer } from '@pkg/auth/dev-issuer';

const issuer = 'https://issuer.local/';
const audience = 'one';
const port = Number(process.env.DEV_ISSUER_PORT ?? 8097);
const users = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['old-usr-5'];

const provider = await startDevIssuer({ issuer, audience, port });
await provider.addKey('dev-rs', 'RS256');
console.log(`JWKS on ${provider.jwksUrl.href}. Start one in jwt mode with:`);
console.log(
  `  ONE_AUTH__MODE=jwt ONE_AUTH__ISSUER=${issuer} ONE_AUTH__AUDIENCE=${audience} ONE_AUTH__JWKS_URL=${provider.jwksUrl.href} make one-up`,
);
for (const sub of users) {
  // One hour, so the printed commands keep working while you try things.
  const token = await provider.sign('dev-rs', { sub }, { expiresAt: new Date(Date.now() + 3_600_000) });
  console.log(`Token for user_id "${sub}":\n  TOKEN=${token}`);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void provider.close().then(() => process.exit(0)));
}
