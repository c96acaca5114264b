// One OpenTelemetry setup for both services: traces, metrics and logs, OTLP/HTTP exporters configured
// by the standard OTEL_* variables, plus the Prometheus text behind each service's /metrics.
//
// Under ESM, instrumentation only sees modules imported AFTER its hook is registered. So main.ts
// statically imports nothing but config and this package, calls startTelemetry(), and only then
// imports the application with a dynamic import(). Get this order wrong and spans silently vanish;
// the end-to-end observability feature fails when they do.
import { metrics, type Meter } from '@opentelemetry/api';
import { logs } from '@opentelemetry/api-logs';
import { registerInstrumentations, type Instrumentation } from '@opentelemetry/instrumentation';
import { ExpressInstrumentation, ExpressLayerType } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { WinstonInstrumentation } from '@opentelemetry/instrumentation-winston';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import {
  defaultResource,
  envDetector,
  detectResources,
  resourceFromAttributes,
} from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import {
  AggregationType,
  MeterProvider,
  PeriodicExportingMetricReader,
  type IMetricReader,
  type ViewOptions,
} from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { register as registerEsmHooks } from 'import-in-the-middle/register-hooks.mjs';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import type { Metrics } from './metrics.js';
import { prometheusHandler } from './prometheus-text.js';

export interface TelemetryOptions {
  serviceName: string;
  serviceVersion: string;
  /** deployment.environment.name, e.g. local, staging, production */
  environment: string;
  /** false: no OTLP export at all (tests, or no collector); /metrics still works. */
  otlpEnabled: boolean;
  /** How often metrics are pushed over OTLP. */
  metricExportIntervalMs?: number;
  /** Upper bound of the final flush; a collector that is down must not hold the process. Default 3 s. */
  flushTimeoutMs?: number;
}

export interface Telemetry {
  metrics: Metrics;
  /**
   * Flushes every pending span, metric and log record, then stops the SDK. Best effort: resolves
   * after at most `flushTimeoutMs` and never rejects (telemetry that cannot leave is not worth a
   * failed exit).
   */
  shutdown(): Promise<void>;
}

export function startTelemetry(options: TelemetryOptions): Telemetry {
  // The ESM hook wraps modules so that instrumentations can patch them. It runs in this thread
  // (module.registerHooks), not in a loader worker thread (module.register): that thread was a
  // second V8 isolate of ≈ 30 MiB RSS and a message round trip per module loaded
  // (docs/benchmarks/levers.md). Our own TypeScript sources (run from source with tsx in
  // development and tests) are never instrumented, and on Node 24, which strips types itself, the
  // hook would read them on its own and fail on their `.js` specifiers that only tsx maps to `.ts`.
  // Compiled `.js` is unaffected.
  registerEsmHooks({ exclude: [/\.[cm]?ts$/] });

  const prometheus = new PrometheusExporter({ preventServerStart: true });
  const metricReaders: IMetricReader[] = [prometheus];
  if (options.otlpEnabled) {
    metricReaders.push(
      new PeriodicExportingMetricReader({
        exporter: new OTLPMetricExporter({ compression: otlpCompression('METRICS') }),
        exportIntervalMillis: options.metricExportIntervalMs ?? 10_000,
      }),
    );
  }

  // Head sampling: the tracer provider reads the standard OTEL_TRACES_SAMPLER and
  // OTEL_TRACES_SAMPLER_ARG (e.g. parentbased_traceidratio and 0.1); the default is
  // parentbased_always_on, every trace whole (README: Sampling).
  const resource = defaultResource()
    .merge(detectResources({ detectors: [envDetector] }))
    .merge(
      resourceFromAttributes({
        [ATTR_SERVICE_NAME]: options.serviceName,
        [ATTR_SERVICE_VERSION]: options.serviceVersion,
        'deployment.environment.name': options.environment,
      }),
    );
  const tracerProvider = new NodeTracerProvider({
    resource,
    spanProcessors: options.otlpEnabled
      ? [new BatchSpanProcessor(new OTLPTraceExporter({ compression: otlpCompression('TRACES') }))]
      : [],
  });
  // Global tracer provider, AsyncLocalStorage context manager, W3C trace context + baggage propagator.
  tracerProvider.register();
  const meterProvider = new MeterProvider({ resource, readers: metricReaders, views: VIEWS });
  metrics.setGlobalMeterProvider(meterProvider);
  const loggerProvider = new LoggerProvider({
    resource,
    processors: options.otlpEnabled
      ? [
          new BatchLogRecordProcessor({
            exporter: new OTLPLogExporter({ compression: otlpCompression('LOGS') }),
          }),
        ]
      : [],
  });
  logs.setGlobalLoggerProvider(loggerProvider);
  registerInstrumentations({ instrumentations: instrumentations() });

  const meter: Meter = metrics.getMeter(options.serviceName, options.serviceVersion);
  let stopped: Promise<void> | undefined;
  const shutdown = () =>
    (stopped ??= bounded(
      Promise.all([tracerProvider.shutdown(), meterProvider.shutdown(), loggerProvider.shutdown()]).then(
        () => undefined,
      ),
      options.flushTimeoutMs ?? 3_000,
    ));
  return {
    metrics: {
      meter,
      handler: prometheusHandler(prometheus),
      shutdown,
    },
    shutdown,
  };
}

/**
 * gzip unless OTEL_EXPORTER_OTLP_COMPRESSION (or its per-signal variant) says otherwise: at 100 %
 * sampling the pipeline's telemetry is ≈ 9 KB of OTLP JSON per request plain and ≈ 0.65 KB
 * gzipped (docs/benchmarks/levers.md), and every OTLP receiver accepts gzip (the collector's
 * included). The SDK's own default is none. `undefined` leaves a set variable to the exporter,
 * which validates it.
 */
export function otlpCompression(
  signal: 'TRACES' | 'METRICS' | 'LOGS',
  env: NodeJS.ProcessEnv = process.env,
): Compression | undefined {
  const set = env[`OTEL_EXPORTER_OTLP_${signal}_COMPRESSION`] ?? env.OTEL_EXPORTER_OTLP_COMPRESSION;
  // The exporters' CompressionAlgorithm enum lives in @opentelemetry/otlp-exporter-base, which is
  // not a direct dependency; its GZIP member is the string 'gzip'.
  return set?.trim() ? undefined : ('gzip' as Compression);
}

type Compression = NonNullable<
  NonNullable<ConstructorParameters<typeof OTLPTraceExporter>[0]>['compression']
>;

function bounded(work: Promise<void>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, timeoutMs);
    timer.unref();
  });
  return Promise.race([work.catch(() => undefined), deadline]).finally(() => clearTimeout(timer));
}

/**
 * Views. The HTTP instrumentation's own duration histograms are dropped: a service that serves HTTP records
 * `http.server.request.duration` itself (with the Express route as `http.route`, which the
 * instrumentation cannot see), and the same name from two meters would be two conflicting series
 * families on /metrics. Outgoing calls are measured by the undici instrumentation (fetch, undici).
 */
const VIEWS: ViewOptions[] = [
  ...['http.server.request.duration', 'http.client.request.duration'].map((instrumentName) => ({
    instrumentName,
    meterName: '@opentelemetry/instrumentation-http',
    aggregation: { type: AggregationType.DROP },
  })),
  // pg's `db.client.connection.count` is a gauge ending in `_count`, which the Prometheus text format
  // reserves for histograms and summaries (`promtool check metrics` refuses it). The pool's other
  // gauges (pending requests, max) stay.
  { instrumentName: 'db.client.connection.count', aggregation: { type: AggregationType.DROP } },
];

/**
 * The instrumentations the services use, each created explicitly, instead of
 * @opentelemetry/auto-instrumentations-node's ~40 (README: Instrumentations, with the measurement):
 * - http: the server span of each request and the propagation of `traceparent`. Health checks and
 *   scrapes are not requests anyone wants traced.
 * - express: no spans at all (every layer type ignored); it only hands the matched route to the
 *   http server span (`POST /one`, `http.route`). A span per middleware or handler was ~8 spans per
 *   POST /one and ~12% of its CPU in the benchmark, and says nothing the server span does not.
 * - pg, not Prisma: Prisma 7 with @prisma/adapter-pg sends every query through `pg`, so the pg spans
 *   are the database spans; Prisma's own instrumentation would add a second span per query. Only
 *   under a parent span (the outbox sweep and the backlog gauge query every second, and a root trace
 *   per poll would bury the requests' traces), and no pool spans (`pg-pool.connect` per query).
 * - undici: the client spans of two's token and third-party calls (undici and fetch).
 * - winston: puts trace_id/span_id on every log line and sends the records over OTLP, so logs take
 *   exactly one path to the collector (no file tailing, no second transport).
 * - Not here: kafkajs (it parents spans on the active context, but an outbox batch carries rows of
 *   many requests and a batched consumer gets one span for many messages; @pkg/kafka's
 *   traceSendBatch and traceProcess make one span per message, parented on the trace the message
 *   carries); fs, dns and net (one span per syscall drowns the trace of a request).
 */
function instrumentations(): Instrumentation[] {
  return [
    new HttpInstrumentation({
      ignoreIncomingRequestHook: (request) => /^\/(healthz|readyz|metrics)\b/.test(request.url ?? ''),
    }),
    new ExpressInstrumentation({
      ignoreLayersType: [
        ExpressLayerType.MIDDLEWARE,
        ExpressLayerType.ROUTER,
        ExpressLayerType.REQUEST_HANDLER,
      ],
    }),
    new PgInstrumentation({
      enhancedDatabaseReporting: false,
      requireParentSpan: true,
      ignoreConnectSpans: true,
    }),
    new UndiciInstrumentation(),
    new WinstonInstrumentation({ disableLogSending: false, disableLogCorrelation: false }),
  ];
}
