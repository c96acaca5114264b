import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { After, Given, Then, When } from '@cucumber/cucumber';
import { createApp } from '../../src/app.js';
import { type DevIssuer, startDevIssuer } from '../../src/dev-issuer.js';
import { createTokenVerifier } from '../../src/verifier.js';

const issuer = 'https://issuer.test/';
const audience = 'payments-api';

interface AccessWorld {
  provider?: DevIssuer;
  api?: Server;
  reply?: { status: number; type: string; body: { title?: string } };
}

After(async function (this: AccessWorld) {
  await new Promise<void>((resolve) => (this.api ? this.api.close(() => resolve()) : resolve()));
  await this.provider?.close();
});

Given(
  'an identity provider publishing an RS256 key {string}',
  async function (this: AccessWorld, kid: string) {
    this.provider = await startDevIssuer({ issuer, audience });
    await this.provider.addKey(kid, 'RS256');
  },
);

Given('the provider also holds an unpublished key {string}', async function (this: AccessWorld, kid: string) {
  await this.provider!.addKey(kid, 'RS256', { publish: false });
});

Given('the payments API trusting that provider', async function (this: AccessWorld) {
  const verifyToken = createTokenVerifier({ jwksUrl: this.provider!.jwksUrl, issuer, audience });
  this.api = await new Promise<Server>((resolve) => {
    const server = createApp({ verifyToken }).listen(0, '127.0.0.1', () => resolve(server));
  });
});

async function call(world: AccessWorld, method: string, token?: string): Promise<void> {
  const { port } = world.api!.address() as AddressInfo;
  const res = await fetch(`http://127.0.0.1:${port}/api/payments`, {
    method,
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  world.reply = {
    status: res.status,
    type: res.headers.get('content-type') ?? '',
    body: (await res.json()) as { title?: string },
  };
}

When(
  /^a caller with scope "([^"]*)"(?: signed by "([^"]*)")? sends (GET|POST) \/api\/payments$/,
  async function (this: AccessWorld, scope: string, kid: string | undefined, method: string) {
    await call(this, method, await this.provider!.sign(kid ?? 'rs-1', { sub: 'alice', scope }));
  },
);

When(
  /^a caller without a token sends (GET|POST) \/api\/payments$/,
  async function (this: AccessWorld, method: string) {
    await call(this, method);
  },
);

Then('the API answers {int}', function (this: AccessWorld, status: number) {
  assert.equal(this.reply?.status, status);
});

Then(
  'the API answers {int} with problem details titled {string}',
  function (this: AccessWorld, status: number, title: string) {
    assert.equal(this.reply?.status, status);
    assert.match(this.reply.type, /^application\/problem\+json/);
    assert.equal(this.reply.body.title, title);
  },
);
