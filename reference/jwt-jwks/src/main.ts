import { createApp } from './app.js';
import { loadConfig } from './config.js';
import { createTokenVerifier } from './verifier.js';

const config = loadConfig(process.env);
const verifyToken = createTokenVerifier({
  jwksUrl: config.jwksUrl,
  issuer: config.issuer,
  audience: config.audience,
});
const server = createApp({ verifyToken }).listen(config.port, config.host, () => {
  console.log(
    `jwt-jwks example listening on http://${config.host}:${config.port} (JWKS ${config.jwksUrl.href})`,
  );
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => server.close(() => process.exit(0)));
}
