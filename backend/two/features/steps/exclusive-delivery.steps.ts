import assert from 'node:assert/strict';
import { Given, Then, When } from '@cucumber/cucumber';
import { eventually } from '@pkg/testkit';
import { DelayType } from 'wiremock-captain';
import { query } from './database.js';
import { acceptedRequest, newRequestId, requestHeaders } from './kafka-fixture.js';
import type { TwoWorld } from './world.js';

const JOINED = '"msg":"joined the consumer group"';
const WAITED = 'another instance is delivering this request; waiting for its lease to end';
const joins = (world: TwoWorld) => world.logLines.filter((line) => line.includes(JOINED)).length;

/** Joins counted when the request was published (the group was stable then). */
const joinsAtPublish = new WeakMap<TwoWorld, number>();
/** When the dead instance's lease ends (epoch ms, the database's clock). */
const leaseEnds = new WeakMap<TwoWorld, number>();

Given(
  'the third party accepts deliveries after {int} seconds',
  async function (this: TwoWorld, seconds: number) {
    // The call must be allowed to take that long: connect + answer, each bounded by the timeout.
    this.settings.threeTimeoutMs = (seconds + 3) * 1000;
    await this.wiremock.stub(
      { method: 'POST', endpoint: '/three' },
      { status: 200, headers: { 'Content-Type': 'application/json' }, body: { status: 'accepted' } },
      { responseDelay: { type: DelayType.FIXED, constantDelay: seconds * 1000 } },
    );
  },
);

Given(
  'two runs as two instances in one consumer group with a session timeout of {int} seconds',
  async function (this: TwoWorld, seconds: number) {
    // world.config() uses the broker's minimum session timeout, 6 s.
    assert.equal(this.config().kafka.sessionTimeoutMs, seconds * 1000);
    await this.startTwoInProcess();
    await this.startAnotherTwo();
    const groupId = this.config().kafka.groupId;
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      await eventually(
        async () => {
          const { groups } = await admin.describeGroups([groupId]);
          return groups[0]?.state === 'Stable' && groups[0].members.length === 2;
        },
        { timeoutMs: 30_000, message: 'a stable group of two members' },
      );
    } finally {
      await admin.disconnect();
    }
    joinsAtPublish.set(this, joins(this));
  },
);

Given('two runs as two instances that both read every request', async function (this: TwoWorld) {
  await this.startTwoInProcess();
  await this.startAnotherTwo(`${this.scope}-two-other-group`);
});

Given(
  'an instance that died holds the lease of the next request for {int} more seconds',
  async function (this: TwoWorld, seconds: number) {
    const id = newRequestId();
    this.requestIds.push(id);
    const { rows } = await query(
      this,
      `INSERT INTO delivery (request_id, lease_owner, lease_until)
       VALUES ($1, 'an-instance-that-died', clock_timestamp() + $2 * interval '1 second')
       RETURNING lease_until`,
      [id, seconds],
    );
    leaseEnds.set(this, (rows[0] as { lease_until: Date }).lease_until.getTime());
  },
);

When('service one publishes the leased request', async function (this: TwoWorld) {
  const id = this.lastRequestId;
  await this.producer!.send({
    topic: this.topics.requests,
    messages: [{ key: id, value: JSON.stringify(acceptedRequest(id)), headers: requestHeaders(id) }],
  });
});

Then(
  'a DELIVERED result is published for it by each instance, each after 1 attempt',
  async function (this: TwoWorld) {
    const results = await this.collector!.waitFor(this.topics.results, this.lastRequestId, 2);
    for (const result of results) {
      const event = JSON.parse(result.value ?? '') as { status: string; attempts: number };
      assert.deepEqual([event.status, event.attempts], ['DELIVERED', 1]);
    }
  },
);

Then('no instance rejoined the consumer group since the request was published', function (this: TwoWorld) {
  // Without heartbeats during the chunk the member in the slow call is evicted after the session
  // timeout: the group rebalances and both members join again.
  assert.equal(joins(this), joinsAtPublish.get(this), 'joins since the request was published');
});

Then("one instance waited for the other's lease instead of calling", async function (this: TwoWorld) {
  await eventually(() => this.logLines.some((line) => line.includes(WAITED)), {
    message: 'a handling that waited for a lease',
  });
});

Then('the third party was called for it only after the lease had expired', async function (this: TwoWorld) {
  const calls = (await this.wiremock.requests('/three')).filter(
    (call) => call.headers['idempotency-key'] === this.lastRequestId,
  );
  assert.ok(calls.length > 0, 'the request was called');
  // The lease was set on the database's clock; PostgreSQL and WireMock run on this machine.
  const leaseEnd = leaseEnds.get(this)!;
  for (const call of calls)
    assert.ok(call.loggedAt >= leaseEnd, `a call ${leaseEnd - call.loggedAt} ms before the lease ended`);
});

Then('no lease is left on the request', async function (this: TwoWorld) {
  await eventually(
    async () => {
      const { rows } = await query(
        this,
        'SELECT lease_owner, lease_until FROM delivery WHERE request_id = $1',
        [this.lastRequestId],
      );
      assert.deepEqual(rows[0], { lease_owner: null, lease_until: null });
      return true;
    },
    { message: 'the lease ended' },
  );
});
