// Messaging spans, written by hand instead of @opentelemetry/instrumentation-kafkajs, because that
// instrumentation parents every span on the *active* context: one outbox relay batch carries rows
// of many requests (each must join its own request's trace), and a batched consumer gets a single
// receive span for hundreds of messages. Here the parent of each span is the context the message
// itself carries (its `traceparent`), one span per message, named and attributed per the OTel
// messaging semantic conventions. Without a registered SDK every call is a cheap no-op.
import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import type { IHeaders } from 'kafkajs';
import { headersToStrings } from './headers.js';

const TRACER_NAME = '@pkg/kafka';

/** What a producer span needs to know; `headers` carry the parent context (e.g. an outbox row's traceparent). */
export interface TracedSend {
  topic: string;
  key?: string | Buffer | null;
  headers?: IHeaders | Readonly<Record<string, string>>;
}

/** What a consumer span needs to know about the message being handled. */
export interface TracedProcess {
  topic: string;
  partition: number;
  offset: string;
  key?: string | Buffer | null;
  headers?: IHeaders | Readonly<Record<string, string>>;
  groupId?: string;
}

/**
 * Sends `messages` with one PRODUCER span `send <topic>` each, parented on the message's own
 * trace context; the span's context replaces it in the headers that go to Kafka, so the consumer
 * becomes a child of the send. All spans end when `send` settles (one ack covers the batch).
 */
export async function traceSendBatch<M extends TracedSend, R>(
  messages: readonly M[],
  send: (traced: M[]) => Promise<R>,
  tracer: Tracer = trace.getTracer(TRACER_NAME),
): Promise<R> {
  const spans = messages.map((message) => startSendSpan(message, tracer));
  const traced = messages.map((message, index) => ({
    ...message,
    headers: { ...message.headers, ...spans[index]!.headers },
  }));
  try {
    const result = await send(traced);
    for (const span of spans) span.end();
    return result;
  } catch (error) {
    for (const span of spans) span.end(error);
    throw error;
  }
}

export interface SendSpan {
  /** `traceparent` (and `tracestate`) of the send span, to put on the message. */
  headers: Record<string, string>;
  end(error?: unknown): void;
}

export function startSendSpan(message: TracedSend, tracer: Tracer = trace.getTracer(TRACER_NAME)): SendSpan {
  const parent = propagation.extract(ROOT_CONTEXT, headersToStrings(message.headers as IHeaders));
  const span = tracer.startSpan(
    `send ${message.topic}`,
    {
      kind: SpanKind.PRODUCER,
      attributes: {
        ...messagingAttributes('send', message.topic),
        ...keyAttribute(message.key),
      },
    },
    parent,
  );
  const headers: Record<string, string> = {};
  propagation.inject(trace.setSpan(parent, span), headers);
  return { headers, end: (error) => endSpan(span, error) };
}

/**
 * Runs `handle` inside a CONSUMER span `process <topic>` whose parent is the context in the
 * message headers (the producer's send span), so logs and client calls made while handling join
 * the producer's trace. The span ends, with error status on a throw, when `handle` settles.
 */
export function traceProcess<R>(
  message: TracedProcess,
  handle: (span: Span) => Promise<R>,
  tracer: Tracer = trace.getTracer(TRACER_NAME),
): Promise<R> {
  const parent = propagation.extract(ROOT_CONTEXT, headersToStrings(message.headers as IHeaders));
  const attributes: Attributes = {
    ...messagingAttributes('process', message.topic),
    ...keyAttribute(message.key),
    'messaging.destination.partition.id': String(message.partition),
    'messaging.kafka.offset': Number(message.offset),
  };
  if (message.groupId) attributes['messaging.consumer.group.name'] = message.groupId;
  return tracer.startActiveSpan(
    `process ${message.topic}`,
    { kind: SpanKind.CONSUMER, attributes },
    parent,
    async (span) => {
      try {
        const result = await handle(span);
        span.end();
        return result;
      } catch (error) {
        endSpan(span, error);
        throw error;
      }
    },
  );
}

/** The active context's trace as message headers (for a message published while handling another). */
export function activeTraceHeaders(): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier;
}

function messagingAttributes(operation: 'send' | 'process', topic: string): Attributes {
  return {
    'messaging.system': 'kafka',
    'messaging.destination.name': topic,
    'messaging.operation.type': operation,
    'messaging.operation.name': operation,
  };
}

/** The key is the request id here (never a secret); bodies and other headers never become attributes. */
function keyAttribute(key: string | Buffer | null | undefined): Attributes {
  if (key === null || key === undefined) return {};
  return { 'messaging.kafka.message.key': Buffer.isBuffer(key) ? key.toString('utf8') : key };
}

function endSpan(span: Span, error: unknown): void {
  if (error !== undefined) {
    const failure = error instanceof Error ? error : new Error(String(error));
    span.recordException(failure);
    span.setStatus({ code: SpanStatusCode.ERROR, message: failure.message });
  }
  span.end();
}
