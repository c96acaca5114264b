import assert from 'node:assert/strict';
import { Given, Then, When } from '@cucumber/cucumber';
import { eventually, startTcpProxy, type TcpProxy } from '@pkg/testkit';
import {
  createMigratedScratchDatabase,
  hostAndPort,
  infrastructure,
  oneDatabaseUrl,
  withDatabase,
} from '../support/infrastructure.js';
import { assertProblem } from '../support/problems.js';
import { startOne } from '../support/service-under-test.js';
import type { OneWorld } from '../support/world.js';

/** The proxy standing in for the dependency this scenario takes down. */
const proxies = new WeakMap<OneWorld, TcpProxy>();

function proxyOf(world: OneWorld): TcpProxy {
  const proxy = proxies.get(world);
  assert.ok(proxy, 'the scenario has no proxy');
  return proxy;
}

Given(
  'an instance of service one with its own database that cannot reach Kafka',
  async function (this: OneWorld) {
    // Its own database: other running instances of one would otherwise publish the row for it.
    const database = await createMigratedScratchDatabase();
    this.cleanups.push(() => database.drop());
    const proxy = await startTcpProxy(hostAndPort(infrastructure.kafkaBrokers[0]!));
    await proxy.stop();
    this.cleanups.push(() => proxy.close());
    proxies.set(this, proxy);
    this.databaseUrl = database.url;
    this.service = await startOne({ databaseUrl: database.url, kafkaBrokers: [proxy.address] });
    this.cleanups.push(() => this.service.stop());
  },
);

Then('the outbox records that publishing the message failed', async function (this: OneWorld) {
  await eventually(
    async () => {
      const { rows } = await withDatabase(this.databaseUrl, (client) =>
        client.query<{ attempts: number; last_error: string | null; published_at: Date | null }>(
          'SELECT attempts, last_error, published_at FROM outbox WHERE request_id = $1',
          [this.acceptedId],
        ),
      );
      const row = rows[0];
      assert.ok(row && row.attempts > 0 && row.last_error, 'a failed attempt is recorded');
      assert.equal(row.published_at, null);
      return true;
    },
    { timeoutMs: 30_000, message: 'failed publish attempt recorded' },
  );
});

When('Kafka becomes reachable again', async function (this: OneWorld) {
  await proxyOf(this).start();
});

Given(
  'an instance of service one whose connection to PostgreSQL can be cut',
  async function (this: OneWorld) {
    const proxy = await startTcpProxy(hostAndPort(oneDatabaseUrl));
    this.cleanups.push(() => proxy.close());
    proxies.set(this, proxy);
    const url = new URL(oneDatabaseUrl);
    url.host = proxy.address;
    this.service = await startOne({ databaseUrl: url.toString() });
    this.cleanups.push(() => this.service.stop());
    assert.equal((await this.send('/readyz')).status, 200);
  },
);

When('PostgreSQL becomes unreachable', async function (this: OneWorld) {
  await proxyOf(this).stop();
});

When('PostgreSQL is reachable again', async function (this: OneWorld) {
  await proxyOf(this).start();
});

Then(
  'GET \\/readyz answers 503 problem+json naming the database, within a second',
  async function (this: OneWorld) {
    const answer = await this.send('/readyz', { signal: AbortSignal.timeout(1_000) });
    const problem = assertProblem(answer, 503);
    assert.equal((problem.checks as Record<string, string>).database, 'down');
  },
);

Then(
  'posting the fixture request answers 503 problem+json, within a second',
  async function (this: OneWorld) {
    const answer = await this.send('/one', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(this.fixture()),
      signal: AbortSignal.timeout(1_000),
    });
    assertProblem(answer, 503);
  },
);

Then('GET \\/readyz answers 200', async function (this: OneWorld) {
  await eventually(async () => (await this.send('/readyz')).status === 200, {
    timeoutMs: 15_000,
    message: 'ready again',
  });
});

Then('posting the fixture request answers 201', async function (this: OneWorld) {
  const answer = await this.postJson(JSON.stringify(this.fixture()));
  assert.equal(answer.status, 201, answer.text);
});
