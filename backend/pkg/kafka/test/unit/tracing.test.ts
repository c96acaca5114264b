import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { context, propagation, SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { activeTraceHeaders, traceProcess, traceSendBatch } from '../../src/index.js';

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const tracer: Tracer = provider.getTracer('unit');
const contextManager = new AsyncLocalStorageContextManager();

// Two different requests' traces, as two outbox rows would store them.
const REQUEST_A = '00-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-1111111111111111-01';
const REQUEST_B = '00-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-2222222222222222-01';

before(() => {
  context.setGlobalContextManager(contextManager.enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
});
after(() => {
  context.disable();
  propagation.disable();
});
beforeEach(() => exporter.reset());

describe('traceSendBatch', () => {
  it('gives every message its own send span, parented on the trace the message carries', async () => {
    let sent: { topic: string; key: string; headers: Record<string, string> }[] = [];
    await traceSendBatch(
      [
        { topic: 'one-request', key: '1', headers: { traceparent: REQUEST_A, 'request-id': '1' } },
        { topic: 'one-request', key: '2', headers: { traceparent: REQUEST_B, 'request-id': '2' } },
      ],
      async (traced) => {
        sent = traced;
      },
      tracer,
    );
    const spans = exporter.getFinishedSpans();
    assert.deepEqual(
      spans.map((s) => [s.name, s.kind, s.spanContext().traceId, s.parentSpanContext?.spanId]),
      [
        ['send one-request', SpanKind.PRODUCER, 'a'.repeat(32), '1'.repeat(16)],
        ['send one-request', SpanKind.PRODUCER, 'b'.repeat(32), '2'.repeat(16)],
      ],
    );
    assert.deepEqual(spans[0]!.attributes, {
      'messaging.system': 'kafka',
      'messaging.destination.name': 'one-request',
      'messaging.operation.type': 'send',
      'messaging.operation.name': 'send',
      'messaging.kafka.message.key': '1',
    });
    // What goes to Kafka points at the send span, so the consumer becomes its child.
    assert.equal(sent[0]!.headers.traceparent, `00-${'a'.repeat(32)}-${spans[0]!.spanContext().spanId}-01`);
    assert.equal(sent[1]!.headers['request-id'], '2', 'other headers pass unchanged');
  });

  it('marks every span of a failed send as an error and rethrows', async () => {
    await assert.rejects(
      traceSendBatch(
        [{ topic: 't', key: '1', headers: { traceparent: REQUEST_A } }],
        () => Promise.reject(new Error('broker gone')),
        tracer,
      ),
      /broker gone/,
    );
    const [span] = exporter.getFinishedSpans();
    assert.equal(span?.status.code, SpanStatusCode.ERROR);
    assert.equal(span?.status.message, 'broker gone');
  });
});

describe('traceProcess', () => {
  it('runs the handler in a consumer span that is a child of the producer context in the headers', async () => {
    const inside = await traceProcess(
      {
        topic: 'one-request',
        partition: 2,
        offset: '41',
        key: Buffer.from('7'),
        headers: { traceparent: Buffer.from(REQUEST_A) },
        groupId: 'two',
      },
      async () => activeTraceHeaders(),
      tracer,
    );
    const [span] = exporter.getFinishedSpans();
    assert.equal(span?.name, 'process one-request');
    assert.equal(span?.kind, SpanKind.CONSUMER);
    assert.equal(span?.parentSpanContext?.spanId, '1'.repeat(16));
    assert.deepEqual(span?.attributes, {
      'messaging.system': 'kafka',
      'messaging.destination.name': 'one-request',
      'messaging.operation.type': 'process',
      'messaging.operation.name': 'process',
      'messaging.kafka.message.key': '7',
      'messaging.destination.partition.id': '2',
      'messaging.kafka.offset': 41,
      'messaging.consumer.group.name': 'two',
    });
    assert.equal(inside.traceparent, `00-${'a'.repeat(32)}-${span?.spanContext().spanId}-01`);
    assert.equal(trace.getActiveSpan(), undefined, 'the span is active only while handling');
  });

  it('starts a new trace for a message without trace context, and records a thrown error', async () => {
    await assert.rejects(
      traceProcess(
        { topic: 'three-result', partition: 0, offset: '0' },
        () => Promise.reject(new Error('store down')),
        tracer,
      ),
    );
    const [span] = exporter.getFinishedSpans();
    assert.equal(span?.parentSpanContext, undefined);
    assert.equal(span?.status.code, SpanStatusCode.ERROR);
    assert.equal(span?.events[0]?.name, 'exception');
  });
});
