// reference/jwt-jwks must stay copyable on its own, so it cannot import @pkg/auth: it carries copies
// of the verifier and the stand-in identity provider. This test keeps them byte-identical to the
// source here, so there is still one implementation.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

const source = (file: string) => new URL(`../../src/${file}`, import.meta.url);
const snippet = (file: string) => new URL(`../../../../../reference/jwt-jwks/src/${file}`, import.meta.url);

describe('the jwt-jwks snippet', () => {
  for (const file of ['verifier.ts', 'dev-issuer.ts']) {
    it(`carries an identical copy of ${file}`, () => {
      assert.equal(
        readFileSync(snippet(file), 'utf8'),
        readFileSync(source(file), 'utf8'),
        `reference/jwt-jwks/src/${file} differs from backend/pkg/auth/src/${file}: ` +
          `cp backend/pkg/auth/src/${file} reference/jwt-jwks/src/${file}`,
      );
    });
  }
});
