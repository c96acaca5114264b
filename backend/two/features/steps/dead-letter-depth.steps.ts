import assert from 'node:assert/strict';
import { Given, Then } from '@cucumber/cucumber';
import { eventually } from '@pkg/testkit';
import { query } from './database.js';
import { THREE, threeAnswer } from './third-party.steps.js';
import type { TwoWorld } from './world.js';

Given('the third party accepts deliveries from now on', async function (this: TwoWorld) {
  // Same priority as the stub it replaces: WireMock picks the newest of equal priority.
  await this.wiremock.stub(THREE, threeAnswer(200));
});

Then(
  'two reports {int} unreplayed dead letter(s) on \\/metrics',
  async function (this: TwoWorld, count: number) {
    const port = this.two!.port;
    // The gauge is refreshed on an interval (5 s): wait for the number, not for a time.
    await eventually(
      async () => {
        const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
        const line = text.split('\n').find((l) => l.startsWith('two_dead_letters_unreplayed{'));
        assert.ok(line, 'two_dead_letters_unreplayed on /metrics');
        assert.match(line, new RegExp(`topic="${this.topics.deadLetters}"`));
        assert.equal(Number(line.split(' ').at(-1)), count, line);
        return true;
      },
      { timeoutMs: 30_000, message: `two_dead_letters_unreplayed ${count}` },
    );
  },
);

Then("the replay of its dead letter is recorded in two's database", async function (this: TwoWorld) {
  const { rows } = await query(this, 'SELECT topic, outcome FROM dead_letter_replay WHERE request_id = $1', [
    this.lastRequestId,
  ]);
  assert.deepEqual(rows, [{ topic: this.topics.deadLetters, outcome: 'replayed' }]);
});

Then('a DELIVERED result follows its FAILED one', async function (this: TwoWorld) {
  const results = await this.collector!.waitFor(this.topics.results, this.lastRequestId, 2, 30_000);
  assert.deepEqual(
    results.map((result) => (JSON.parse(result.value ?? '{}') as { status: string }).status),
    ['FAILED', 'DELIVERED'],
  );
});
