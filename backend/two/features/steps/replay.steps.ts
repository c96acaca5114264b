import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Then, When } from '@cucumber/cucumber';
import { Headers } from '@pkg/kafka';
import { databaseUrl } from '@pkg/testkit';
import type { TwoWorld } from './world.js';

const TWO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

When('the dead letters of that request are replayed', async function (this: TwoWorld) {
  // The command a user runs (npm run replay), pointed at this scenario's topics.
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      '--conditions=source',
      '--import',
      'tsx',
      'src/replay/main.ts',
      '--request-id',
      this.lastRequestId,
      '--limit',
      '10',
    ],
    {
      cwd: TWO_ROOT,
      env: {
        ...process.env,
        TWO_DATABASE_URL: databaseUrl(this.infra, 'two'),
        TWO_KAFKA__BROKERS: this.infra.kafkaBrokers.join(','),
        TWO_KAFKA__TOPICS__REQUESTS: this.topics.requests,
        TWO_KAFKA__TOPICS__DEAD_LETTERS: this.topics.deadLetters,
      },
    },
  );
  this.replayOutput = stdout;
});

Then('the replay reports {int} replayed dead letter(s)', function (this: TwoWorld, count: number) {
  assert.match(
    this.replayOutput ?? '',
    new RegExp(`^replayed ${this.lastRequestId} \\(reason attempts-exhausted\\)`, 'm'),
  );
  assert.match(this.replayOutput ?? '', new RegExp(`^${count} replayed, `, 'm'));
});

Then(
  'the request is back on the requests topic with its original key, value and headers',
  async function (this: TwoWorld) {
    const [original, replayed] = await this.collector!.waitFor(this.topics.requests, this.lastRequestId, 2);
    assert.equal(replayed!.value, original!.value);
    assert.deepEqual(replayed!.headers, original!.headers);
    assert.equal(replayed!.headers[Headers.dlqReason], undefined);
  },
);
