// two against docs/asyncapi.yaml: the three-result and dead-letter messages its chunk handler
// builds match the document (and keep their event ids when a message is handled again), replay
// restores a one-request message the document accepts, and two's decoder accepts every documented
// one-request example and refuses every documented invalid one.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { before, describe, it } from 'node:test';
import { trace } from '@opentelemetry/api';
import { Headers, headersToStrings, Topics } from '@pkg/kafka';
import { createLogger } from '@pkg/logger';
import { acceptedRequestMessage } from '@pkg/testkit';
import { loadEventContract, type EventContract } from '@pkg/testkit/event-contract';
import { decodeRequest } from '../../src/consumer/decode-request.js';
import { handleChunk, type ChunkHandlerDeps, type IncomingMessage } from '../../src/consumer/handle-chunk.js';
import type { Outgoing } from '../../src/consumer/outgoing.js';
import type { DeliveryRecord, DeliveryStore } from '../../src/deliveries/delivery-store.js';
import { originalHeaders } from '../../src/replay/replay-dead-letters.js';
import type { DeliveryResult } from '../../src/third-party/deliver-to-three.js';

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

/** two's handler with the third party answering `result`, and a store that starts with `rows`. */
function handlerFor(result: DeliveryResult, rows: DeliveryRecord[] = []): ChunkHandlerDeps {
  const table = new Map(rows.map((row) => [row.requestId, row]));
  const store: DeliveryStore = {
    claim: async (ids) =>
      new Map(
        ids.map((id) => [
          id,
          {
            ...(table.get(id) ?? { requestId: id, status: 'PENDING', attempts: 0, deliveredAt: null }),
            leased: true,
          },
        ]),
      ),
    renew: async (ids) => new Set(ids),
    release: async () => undefined,
    finish: async () => undefined,
    find: async (id) => table.get(id),
    ping: async () => undefined,
  };
  const nothing = () => undefined;
  return {
    store,
    delivery: { deliver: async () => result },
    topics: { results: Topics.threeResult, deadLetters: Topics.oneRequestDlq },
    clock: () => new Date('2026-11-21T15:00:00.000Z'),
    logger: createLogger({ service: 'two', stream: new Writable({ write: (_c, _e, done) => done() }) }),
    metrics: {
      messageHandled: nothing,
      retried: nothing,
      deliveryPaused: nothing,
      tokenFetched: nothing,
      deadLettered: nothing,
      thirdPartyCalled: nothing,
    },
    tracer: trace.getTracer('test'),
    lease: { owner: 'this-instance', callBoundMs: 200 },
  };
}

/** A one-request message as one's relay publishes it (testkit's stand-in, itself held to the document). */
function incoming(
  requestId: string,
  offset: string,
  value?: string,
  key: string | null = requestId,
): IncomingMessage {
  const message = acceptedRequestMessage(requestId, { eventId: String(BigInt(requestId) + 1n) });
  return {
    topic: Topics.oneRequest,
    partition: 1,
    offset,
    key: key === null ? null : Buffer.from(key),
    value: Buffer.from(value ?? message.value),
    headers: { ...message.headers, [Headers.traceparent]: TRACEPARENT },
  };
}

/** The outgoing message as the broker stores it: headers as text. */
function asSent({ message }: Outgoing) {
  return {
    key: message.key === null || message.key === undefined ? null : message.key.toString(),
    value: message.value?.toString() ?? '',
    headers: headersToStrings(message.headers as never),
  };
}

const delivered: DeliveryResult = { delivered: true, attempts: 1, status: 200 };
const refused: DeliveryResult = {
  delivered: false,
  reason: 'permanent-error',
  attempts: 1,
  status: 400,
  error: 'third party answered 400',
};

let contract: EventContract;
before(async () => {
  contract = await loadEventContract();
});

describe('what two publishes', () => {
  it('a DELIVERED result matches three-result, and handling the message again keeps its event-id', async () => {
    const first = await handleChunk(handlerFor(delivered), [incoming('7391820345519480832', '40')]);
    const again = await handleChunk(
      handlerFor(delivered, [
        { requestId: '7391820345519480832', status: 'DELIVERED', attempts: 1, deliveredAt: new Date() },
      ]),
      [incoming('7391820345519480832', '40')],
    );
    const other = await handleChunk(handlerFor(delivered), [incoming('7391820345519480832', '41')]);
    for (const outgoing of [...first, ...again, ...other]) {
      assert.equal(outgoing.topic, Topics.threeResult);
      assert.deepEqual(contract.channel(Topics.threeResult).violations(asSent(outgoing)), []);
    }
    const eventId = (outgoing: Outgoing[]) => asSent(outgoing[0]!).headers[Headers.eventId];
    assert.equal(eventId(again), eventId(first));
    assert.notEqual(eventId(other), eventId(first));
  });

  it('a refused request: its dead letter matches one-request.dlq and its FAILED result three-result', async () => {
    const outgoing = await handleChunk(handlerFor(refused), [incoming('7391820345519480834', '7')]);
    assert.deepEqual(
      outgoing.map((o) => o.topic),
      [Topics.oneRequestDlq, Topics.threeResult],
    );
    for (const message of outgoing)
      assert.deepEqual(contract.channel(message.topic).violations(asSent(message)), [], message.topic);
    const letter = asSent(outgoing[0]!);
    assert.equal(letter.headers[Headers.dlqOriginalEventId], '7391820345519480835');
    assert.notEqual(letter.headers[Headers.eventId], letter.headers[Headers.dlqOriginalEventId]);
    assert.notEqual(letter.headers[Headers.eventId], asSent(outgoing[1]!).headers[Headers.eventId]);
  });

  it('an invalid message (not JSON, no key): its dead letter matches one-request.dlq', async () => {
    const outgoing = await handleChunk(handlerFor(delivered), [incoming('1', '8', 'not json', null)]);
    assert.equal(outgoing.length, 1);
    assert.deepEqual(contract.channel(Topics.oneRequestDlq).violations(asSent(outgoing[0]!)), []);
  });

  it('replay puts back a one-request message that matches the document, with its original event-id', async () => {
    const original = incoming('7391820345519480834', '7');
    const [letter] = await handleChunk(handlerFor(refused), [original]);
    const sent = asSent(letter!);
    const replayed = { key: sent.key, value: sent.value, headers: originalHeaders(sent.headers) };
    assert.deepEqual(contract.channel(Topics.oneRequest).violations(replayed), []);
    assert.deepEqual(replayed.headers, headersToStrings(original.headers));
  });
});

describe('one-request as two consumes it', () => {
  it('accepts every example of docs/asyncapi.yaml', () => {
    const channel = contract.channel(Topics.oneRequest);
    assert.ok(channel.examples.length > 0);
    for (const example of channel.examples) {
      const decoded = decodeRequest(Buffer.from(example.key!), Buffer.from(JSON.stringify(example.payload)));
      assert.ok(decoded.ok, `${example.name}: ${decoded.ok ? '' : decoded.error}`);
    }
  });

  it('refuses (dead-letters) every x-invalid-examples entry of docs/asyncapi.yaml', () => {
    const channel = contract.channel(Topics.oneRequest);
    assert.ok(channel.invalidExamples.length > 0);
    for (const sample of channel.invalidExamples) {
      const key = sample.key ?? null;
      const decoded = decodeRequest(
        key === null ? null : Buffer.from(key),
        Buffer.from(JSON.stringify(sample.payload)),
      );
      assert.ok(!decoded.ok, `${sample.name} was accepted`);
    }
  });
});
