// An in-test OTLP/HTTP (JSON) receiver: the services export to it exactly as they would to the
// collector, and scenarios assert on what arrived: spans, log records, metric names. Bodies may be
// gzipped (Content-Encoding: gzip), as @pkg/otel sends them by default.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  service: string;
  attributes: Record<string, unknown>;
  /** The spans this one links to (not its parent): e.g. a request's wait for a shared statement. */
  links: { traceId: string; spanId: string }[];
}

export interface ReceivedLog {
  traceId: string;
  spanId: string;
  body: unknown;
  service: string;
  attributes: Record<string, unknown>;
}

export interface OtlpReceiver {
  /** Give this to OTEL_EXPORTER_OTLP_ENDPOINT. */
  readonly endpoint: string;
  readonly spans: ReceivedSpan[];
  readonly logs: ReceivedLog[];
  readonly metricNames: Set<string>;
  /** The Content-Encoding of every export received, in order (`identity` when none was named). */
  readonly encodings: string[];
  close(): Promise<void>;
}

type AnyValue = {
  stringValue?: string;
  intValue?: string | number;
  boolValue?: boolean;
  doubleValue?: number;
};
type KeyValue = { key: string; value: AnyValue };
type Resource = { resource?: { attributes?: KeyValue[] } };

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const logs: ReceivedLog[] = [];
  const metricNames = new Set<string>();
  const encodings: string[] = [];

  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      try {
        const encoding = request.headers['content-encoding'] ?? 'identity';
        const raw = Buffer.concat(chunks);
        const body = JSON.parse(
          (encoding === 'gzip' ? gunzipSync(raw) : raw).toString('utf8') || '{}',
        ) as Record<string, unknown>;
        encodings.push(encoding);
        if (request.url === '/v1/traces') collectSpans(body, spans);
        else if (request.url === '/v1/logs') collectLogs(body, logs);
        else if (request.url === '/v1/metrics') collectMetricNames(body, metricNames);
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      } catch {
        // Protobuf, an encoding other than gzip, or garbage: the exporters here send JSON, so say so loudly.
        response.writeHead(400).end('expected OTLP/HTTP JSON, plain or gzip');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    spans,
    logs,
    metricNames,
    encodings,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function attributes(list: KeyValue[] | undefined): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const { key, value } of list ?? []) {
    result[key] = value.stringValue ?? value.intValue ?? value.boolValue ?? value.doubleValue;
  }
  return result;
}

function serviceOf(resource: Resource): string {
  return String(attributes(resource.resource?.attributes)['service.name'] ?? '');
}

function collectSpans(body: Record<string, unknown>, into: ReceivedSpan[]) {
  for (const rs of (body.resourceSpans ?? []) as (Resource & {
    scopeSpans?: { spans?: Record<string, unknown>[] }[];
  })[]) {
    for (const scope of rs.scopeSpans ?? []) {
      for (const span of scope.spans ?? []) {
        into.push({
          traceId: String(span.traceId ?? ''),
          spanId: String(span.spanId ?? ''),
          parentSpanId: String(span.parentSpanId ?? ''),
          name: String(span.name ?? ''),
          kind: Number(span.kind ?? 0),
          service: serviceOf(rs),
          attributes: attributes(span.attributes as KeyValue[] | undefined),
          links: ((span.links ?? []) as { traceId?: string; spanId?: string }[]).map((link) => ({
            traceId: String(link.traceId ?? ''),
            spanId: String(link.spanId ?? ''),
          })),
        });
      }
    }
  }
}

function collectLogs(body: Record<string, unknown>, into: ReceivedLog[]) {
  for (const rl of (body.resourceLogs ?? []) as (Resource & {
    scopeLogs?: { logRecords?: Record<string, unknown>[] }[];
  })[]) {
    for (const scope of rl.scopeLogs ?? []) {
      for (const record of scope.logRecords ?? []) {
        into.push({
          traceId: String(record.traceId ?? ''),
          spanId: String(record.spanId ?? ''),
          body: (record.body as AnyValue | undefined)?.stringValue,
          service: serviceOf(rl),
          attributes: attributes(record.attributes as KeyValue[] | undefined),
        });
      }
    }
  }
}

function collectMetricNames(body: Record<string, unknown>, into: Set<string>) {
  for (const rm of (body.resourceMetrics ?? []) as { scopeMetrics?: { metrics?: { name?: string }[] }[] }[]) {
    for (const scope of rm.scopeMetrics ?? [])
      for (const metric of scope.metrics ?? []) if (metric.name) into.add(metric.name);
  }
}
