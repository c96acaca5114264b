import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Then, When } from '@cucumber/cucumber';
import { eventually } from '@pkg/testkit';
import { namedBody } from '../support/bodies.js';
import { withDatabase } from '../support/infrastructure.js';
import { assertProblem } from '../support/problems.js';
import type { OneWorld } from '../support/world.js';

When('a client posts the fixture request to \\/one as part of a trace', async function (this: OneWorld) {
  this.traceId = randomBytes(16).toString('hex');
  await this.postJson(JSON.stringify(this.fixture()), 'application/json', {
    traceparent: `00-${this.traceId}-${randomBytes(8).toString('hex')}-01`,
  });
});

When(/^a client posts (.+) to \/one$/, async function (this: OneWorld, name: string) {
  const { body, contentType } = namedBody(name, this.fixture());
  await this.postJson(body, contentType);
});

Then('the answer is 201 with a request id and a Location header pointing at it', function (this: OneWorld) {
  const answer = this.lastAnswer;
  assert.equal(answer.status, 201, answer.text);
  const { request_id: requestId } = answer.body as { request_id: string };
  assert.match(requestId, /^[1-9]\d{0,18}$/);
  assert.equal(answer.headers.get('location'), `/one/${requestId}`);
  this.requestId = requestId;
});

Then("the request is stored with the client's user id", async function (this: OneWorld) {
  const rows = await withDatabase(this.databaseUrl, (client) =>
    client.query<{ user_id: string }>('SELECT user_id FROM requests WHERE id = $1', [this.acceptedId]),
  );
  assert.equal(rows.rows[0]?.user_id, this.userId);
});

Then(
  'the answer is a {int} problem+json of type {string}',
  function (this: OneWorld, status: number, type: string) {
    assertProblem(this.lastAnswer, status, type);
    assert.ok(!this.lastAnswer.text.includes('isAdmin'), 'the body is not echoed');
    assert.equal(({} as Record<string, unknown>).isAdmin, undefined, 'no prototype polluted');
  },
);

Then('the answer lists the field {string} as invalid', function (this: OneWorld, pointer: string) {
  const problem = assertProblem(this.lastAnswer, 400);
  const pointers = (problem.errors as { pointer: string }[]).map((error) => error.pointer);
  assert.ok(pointers.includes(pointer), `${pointer} not in ${pointers.join(', ')}`);
});

Then("no request is stored for the client's user id", async function (this: OneWorld) {
  const { rows } = await withDatabase(this.databaseUrl, (client) =>
    client.query<{ count: string }>('SELECT count(*) FROM requests WHERE user_id = $1 OR prompt LIKE $2', [
      this.userId,
      `%${this.userId}%`,
    ]),
  );
  assert.equal(rows[0]?.count, '0');
});

Then("the outbox holds nothing for the client's user id", async function (this: OneWorld) {
  // The relay publishes only outbox rows: no row means no message, now or later.
  const { rows } = await withDatabase(this.databaseUrl, (client) =>
    client.query<{ count: string }>(
      "SELECT count(*) FROM outbox WHERE payload->>'user_id' = $1 OR payload->>'prompt' LIKE $2",
      [this.userId, `%${this.userId}%`],
    ),
  );
  assert.equal(rows[0]?.count, '0');
});

Then(/^GET \/one\/<id> shows the request as (\w+)$/, async function (this: OneWorld, status: string) {
  await eventually(
    async () => {
      const answer = await this.send(`/one/${this.acceptedId}`);
      assert.equal(answer.status, 200, answer.text);
      assert.equal((answer.body as { status: string }).status, status);
      return true;
    },
    { timeoutMs: 20_000, message: `request shown as ${status}` },
  );
});
