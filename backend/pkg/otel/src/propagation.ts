// W3C trace context in and out of message headers and stored rows. Uses the global propagator the SDK
// registers (tracecontext + baggage); without the SDK these are harmless no-ops.
import { context, propagation, type Context } from '@opentelemetry/api';

export type Carrier = Record<string, string>;

/** The active (or given) context as `traceparent`/`tracestate` strings, e.g. for an outbox row. */
export function injectContext(from: Context = context.active()): Carrier {
  const carrier: Carrier = {};
  propagation.inject(from, carrier);
  return carrier;
}

/** A context whose parent is the span described by `traceparent` in the carrier. */
export function extractContext(carrier: Readonly<Record<string, string | undefined>>): Context {
  return propagation.extract(context.active(), carrier);
}
