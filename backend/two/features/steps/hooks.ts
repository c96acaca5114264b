import { fileURLToPath } from 'node:url';
import { After, Before, BeforeAll, setDefaultTimeout, Status } from '@cucumber/cucumber';
import { databaseUrl, infrastructureFromEnv } from '@pkg/testkit';
import { applyMigrations } from '@pkg/migrate';
import { connectProducer, createTopics, deleteTopics, startCollector } from './kafka-fixture.js';
import type { TwoWorld } from './world.js';

setDefaultTimeout(60_000);

BeforeAll(async function () {
  await applyMigrations({
    databaseUrl: databaseUrl(infrastructureFromEnv(), 'two'),
    migrationsDir: fileURLToPath(new URL('../../prisma/migrations', import.meta.url)),
  });
});

Before({ tags: 'not @schema' }, async function (this: TwoWorld) {
  await createTopics(this.kafka, this.topics);
  this.producer = await connectProducer(this.kafka);
  this.collector = await startCollector(this.kafka, this.topics, `${this.scope}-collector`);
  this.collectors.push(this.collector);
});

After({ tags: 'not @schema' }, async function (this: TwoWorld, { result }) {
  if (result?.status === Status.FAILED) this.attach(this.logLines.join(''), 'application/x-ndjson');
  this.child?.kill('SIGKILL');
  await Promise.all([this.two, ...this.moreTwos].map((two) => two?.stop()));
  await Promise.all(this.collectors.map((collector) => collector.stop()));
  await this.producer?.disconnect();
  await this.wiremock.deleteStubs();
  await deleteTopics(this.kafka, [...Object.values(this.topics), ...this.extraTopics]);
});
