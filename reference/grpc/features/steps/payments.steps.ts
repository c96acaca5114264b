import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Given, Then, When } from '@cucumber/cucumber';
import * as grpc from '@grpc/grpc-js';
import { SpanKind } from '@opentelemetry/api';
import type { PaymentsClient } from '../../src/client.js';
import type { PaymentsWorld } from './world.js';

/** Renders a reply the way the feature's examples table writes it. */
async function answerOf(client: PaymentsClient, request: Parameters<PaymentsClient['doTransaction']>[0]) {
  try {
    const response = await client.doTransaction(request);
    return response.success
      ? `success, ${response.transferred} transferred`
      : `declined: ${response.errorMessage}`;
  } catch (error) {
    const { code, details } = error as grpc.ServiceError;
    return code === grpc.status.DEADLINE_EXCEEDED ? grpc.status[code] : `${grpc.status[code]}: ${details}`;
  }
}

Given('the payments server is running on a free port', function (this: PaymentsWorld) {
  assert.match(this.address, /^127\.0\.0\.1:\d+$/);
});

Given('the ledger fails the next call with a transient error', function (this: PaymentsWorld) {
  this.ledgerBehaviour = 'fail-once';
});

Given('the ledger hangs until the call is cancelled', function (this: PaymentsWorld) {
  this.ledgerBehaviour = 'hang';
});

When(
  /^a client (?:with a (\d+) ms deadline )?transfers (-?\d+) with interest (-?\d+) from "([^"]*)" to "([^"]*)"$/,
  async function (
    this: PaymentsWorld,
    deadline: string | undefined,
    amount: string,
    interest: string,
    source: string,
    target: string,
  ) {
    const client = deadline ? this.newClient(Number(deadline)) : this.client;
    this.lastTransactionId = randomUUID();
    const request = {
      id: this.lastTransactionId,
      sourceAccountId: source,
      targetAccountId: target,
      amount,
      interest,
    };
    this.answers.push(await answerOf(client, request));
    if (client !== this.client) client.close();
  },
);

Then(/^the answer is (.+)$/, function (this: PaymentsWorld, expected: string) {
  assert.deepEqual(this.answers, [expected]);
});

Then('the ledger was called {int} times', function (this: PaymentsWorld, times: number) {
  assert.equal(this.ledgerCalls.get(this.lastTransactionId), times);
});

Then(
  'a client span and a server span named {string} were recorded',
  function (this: PaymentsWorld, name: string) {
    const spans = this.spans.getFinishedSpans().filter((span) => span.name === name);
    assert.deepEqual(spans.map((span) => span.kind).sort(), [SpanKind.SERVER, SpanKind.CLIENT].sort());
  },
);

Then('the server span is a child of the client span', function (this: PaymentsWorld) {
  const spans = this.spans.getFinishedSpans();
  const client = spans.find((span) => span.kind === SpanKind.CLIENT);
  const server = spans.find((span) => span.kind === SpanKind.SERVER);
  assert.ok(client && server);
  assert.equal(server.spanContext().traceId, client.spanContext().traceId);
  assert.equal(server.parentSpanContext?.spanId, client.spanContext().spanId);
});
