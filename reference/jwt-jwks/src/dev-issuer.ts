import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload, type CryptoKey } from 'jose';

// One implementation, two places (like verifier.ts): the source is backend/pkg/auth/src/dev-issuer.ts
// (service one's scenarios use it), reference/jwt-jwks/src/dev-issuer.ts a byte-identical copy;
// backend/pkg/auth/test/unit/snippet-copy.test.ts fails when they differ.

/**
 * A stand-in identity provider for tests and local runs: it generates keys, serves them as a JWKS
 * and signs tokens. Never use it in production; your IdP (Keycloak, Auth0, Entra ID, ...) does this.
 */
export interface DevIssuer {
  readonly jwksUrl: URL;
  /** How many times the JWKS was fetched: lets tests prove caching and rate limiting. */
  readonly fetchCount: number;
  /** Adds a signing key; `publish: false` keeps it out of the JWKS (an unknown `kid`). */
  addKey(kid: string, alg: 'RS256' | 'ES256', options?: { publish?: boolean }): Promise<void>;
  /** Publishes a key that was added unpublished, as an IdP does during key rotation. */
  publish(kid: string): void;
  sign(kid: string, claims: JWTPayload, options?: SignOptions): Promise<string>;
  close(): Promise<void>;
}

export interface SignOptions {
  expiresAt?: Date;
  notBefore?: Date;
  /** Override to produce tokens from a foreign issuer or for another audience. */
  issuer?: string;
  audience?: string;
}

interface SigningKey {
  alg: 'RS256' | 'ES256';
  privateKey: CryptoKey;
  jwk: JWK;
}

export async function startDevIssuer(options: {
  issuer: string;
  audience: string;
  /** 0 (default): any free port. */
  port?: number;
}): Promise<DevIssuer> {
  const keys = new Map<string, SigningKey>();
  const published = new Set<string>();
  let fetchCount = 0;

  const server: Server = createServer((req, res) => {
    if (req.url !== '/.well-known/jwks.json') {
      res.writeHead(404).end();
      return;
    }
    fetchCount += 1;
    const jwks = { keys: [...published].map((kid) => keys.get(kid)?.jwk) };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    jwksUrl: new URL(`http://127.0.0.1:${port}/.well-known/jwks.json`),
    get fetchCount() {
      return fetchCount;
    },
    async addKey(kid, alg, { publish = true } = {}) {
      const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
      keys.set(kid, { alg, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } });
      if (publish) published.add(kid);
    },
    publish(kid) {
      published.add(kid);
    },
    async sign(kid, claims, { expiresAt, notBefore, issuer, audience } = {}) {
      const key = keys.get(kid);
      if (key === undefined) throw new Error(`unknown key ${kid}`);
      const jwt = new SignJWT(claims)
        .setProtectedHeader({ alg: key.alg, kid, typ: 'JWT' })
        .setIssuer(issuer ?? options.issuer)
        .setAudience(audience ?? options.audience)
        .setIssuedAt()
        .setExpirationTime(expiresAt ?? '5m');
      if (notBefore !== undefined) jwt.setNotBefore(notBefore);
      return jwt.sign(key.privateKey);
    },
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}
