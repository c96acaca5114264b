import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Given, Then, When } from '@cucumber/cucumber';
import { MatchingAttributes } from 'wiremock-captain';
import { eventually } from '@pkg/testkit';
import { query } from './database.js';
import {
  acceptedRequest,
  createTopics,
  newRequestId,
  requestHeaders,
  startCollector,
} from './kafka-fixture.js';
import type { TwoWorld } from './world.js';

const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

/** Starts `src/main.ts` as a real process with this scenario's config; resolves once it has joined its group. */
async function startChild(world: TwoWorld): Promise<ChildProcess> {
  const configFile = join(tmpdir(), `${world.scope}.config.json`);
  // JSON is YAML: the scenario's whole config as two's config file.
  await writeFile(configFile, JSON.stringify(world.config()));
  const { WIREMOCK_URL: _scopedUrlInstead, ...env } = process.env;
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', MAIN], {
    env: { ...env, TWO_CONFIG_FILE: configFile, KAFKA_BROKERS: world.infra.kafkaBrokers.join(',') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr!.on('data', (chunk: Buffer) => world.logLines.push(chunk.toString('utf8')));
  const lines = createInterface({ input: child.stdout! });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('two did not start within 30 s')), 30_000);
    child.once('exit', (code) => reject(new Error(`two exited with ${code} before it started`)));
    lines.on('line', (line) => {
      world.logLines.push(`${line}\n`);
      if (line.includes('"msg":"two started"')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return child;
}

Given('the result topic does not exist yet, so two cannot finish handling', function (this: TwoWorld) {
  // Publishing the result fails until the topic exists: the offset stays uncommitted meanwhile.
  this.topics = { ...this.topics, results: `${this.scope}.late-three-result` };
  this.extraTopics.push(this.topics.results);
});

Given('the dead-letter topic does not exist yet', function (this: TwoWorld) {
  this.topics = { ...this.topics, deadLetters: `${this.scope}.late-one-request.dlq` };
  this.extraTopics.push(this.topics.deadLetters);
});

When('the third party has received it {int} times', async function (this: TwoWorld, times: number) {
  await eventually(
    async () => {
      const calls = await this.wiremock.requests('/three');
      return calls.filter((call) => call.headers['idempotency-key'] === this.lastRequestId).length >= times;
    },
    { message: `${times} calls at the third party` },
  );
});

When("two has failed to publish the chunk's outcome", { timeout: 150_000 }, async function (this: TwoWorld) {
  // The send fails for good (unknown topic): the consumer crashes and kafkajs restarts it from the
  // last commit. The dead letter can then only come from a later handling of the same message.
  await eventually(() => this.logLines.some((line) => line.includes('Restarting the consumer')), {
    timeoutMs: 140_000,
    intervalMs: 250,
    message: 'a failed publish',
  });
});

When('the dead-letter topic is created', async function (this: TwoWorld) {
  await createTopics(this.kafka, { deadLetters: this.topics.deadLetters });
  this.collector = await startCollector(
    this.kafka,
    { deadLetters: this.topics.deadLetters, requests: this.topics.requests },
    `${this.scope}-late-dlq-collector`,
  );
  this.collectors.push(this.collector);
});

Given('two runs as its own process', async function (this: TwoWorld) {
  this.child = await startChild(this);
});

When('two has stored the request as DELIVERED', async function (this: TwoWorld) {
  await eventually(
    async () => {
      const { rows } = await query(this, 'SELECT status FROM delivery WHERE request_id = $1', [
        this.lastRequestId,
      ]);
      assert.equal(rows[0]?.status, 'DELIVERED');
      return true;
    },
    { message: 'the delivery row is DELIVERED' },
  );
});

When('two is killed with SIGKILL', async function (this: TwoWorld) {
  const child = this.child!;
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
  this.child = undefined;
});

When('the result topic is created and two is started again', async function (this: TwoWorld) {
  await createTopics(this.kafka, { results: this.topics.results });
  this.collector = await startCollector(
    this.kafka,
    { results: this.topics.results, requests: this.topics.requests },
    `${this.scope}-late-collector`,
  );
  this.collectors.push(this.collector);
  this.child = await startChild(this);
});

When('two is sent SIGTERM', function (this: TwoWorld) {
  this.exit = once(this.child!, 'exit') as Promise<[number | null, string | null]>;
  this.child!.kill('SIGTERM');
});

Then(
  'two exits with code {int} within {int} seconds',
  async function (this: TwoWorld, code: number, seconds: number) {
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`two still running after ${seconds} s`)), seconds * 1000).unref(),
    );
    const [exitCode] = await Promise.race([this.exit!, timeout]);
    assert.equal(exitCode, code);
    this.child = undefined;
  },
);

Then("two's consumer group has committed the offset after that request", async function (this: TwoWorld) {
  const [original] = await this.collector!.waitFor(this.topics.requests, this.lastRequestId);
  const admin = this.kafka.admin();
  await admin.connect();
  try {
    const [topic] = await admin.fetchOffsets({
      groupId: `${this.scope}-two`,
      topics: [this.topics.requests],
    });
    const committed = topic!.partitions.find((p) => p.partition === original!.partition);
    assert.equal(committed?.offset, String(Number(original!.offset) + 1));
  } finally {
    await admin.disconnect();
  }
});

When(
  'service one publishes two requests to one partition at once, the first answered 503 with Retry-After {int} seconds',
  async function (this: TwoWorld, seconds: number) {
    const [waiting, delivered] = [newRequestId(), newRequestId()];
    const three = { method: 'POST', endpoint: '/three', headers: { 'Idempotency-Key': waiting } } as const;
    await this.wiremock.stubSequence(
      three,
      [
        { status: 503, headers: { 'Retry-After': String(seconds) }, body: { error: 'busy' } },
        { status: 200, headers: { 'Content-Type': 'application/json' }, body: { status: 'accepted' } },
      ],
      { requestHeaderFeatures: { 'Idempotency-Key': MatchingAttributes.EqualTo } },
    );
    this.requestIds.push(waiting, delivered);
    // One send to one partition: both arrive in the same batch, so they are handled as one chunk.
    await this.producer!.send({
      topic: this.topics.requests,
      messages: [waiting, delivered].map((id) => ({
        key: id,
        value: JSON.stringify(acceptedRequest(id)),
        headers: requestHeaders(id),
        partition: 0,
      })),
    });
  },
);

When('the third party has received both requests', async function (this: TwoWorld) {
  const [waiting, delivered] = this.requestIds as [string, string];
  await eventually(
    async () => {
      const keys = (await this.wiremock.requests('/three')).map((call) => call.headers['idempotency-key']);
      return keys.includes(waiting) && keys.includes(delivered);
    },
    { message: 'both requests reached the third party' },
  );
});

When('two is started again', async function (this: TwoWorld) {
  this.child = await startChild(this);
});

Then(
  'the third party received the delivered request exactly once and the waiting one twice',
  async function (this: TwoWorld) {
    const [waiting, delivered] = this.requestIds as [string, string];
    const keys = (await this.wiremock.requests('/three')).map((call) => call.headers['idempotency-key']);
    assert.equal(keys.filter((key) => key === delivered).length, 1, 'the request delivered before SIGTERM');
    assert.equal(keys.filter((key) => key === waiting).length, 2, 'the request that waited');
  },
);
