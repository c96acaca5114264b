import { context, propagation } from '@opentelemetry/api';
import { Headers } from '@pkg/kafka';

/**
 * Trace headers for a message published while handling: injected from the active context when an
 * OpenTelemetry SDK is registered; without one, the incoming headers are passed on, so the trace
 * still connects end to end.
 */
export function traceHeadersFor(incoming: Record<string, string>): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  if (carrier[Headers.traceparent]) return carrier;
  for (const name of [Headers.traceparent, Headers.tracestate]) {
    const value = incoming[name];
    if (value) carrier[name] = value;
  }
  return carrier;
}
