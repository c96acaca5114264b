// Metrics go through the OpenTelemetry API only. One MeterProvider per service feeds two readers:
// the Prometheus exporter behind the service's own /metrics route, and (see sdk.ts, later) OTLP.
// Services receive the Meter as an argument, so every test builds its own and nothing is global.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Meter } from '@opentelemetry/api';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, type MetricReader } from '@opentelemetry/sdk-metrics';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { prometheusHandler } from './prometheus-text.js';

export interface MetricsOptions {
  serviceName: string;
  serviceVersion?: string;
  /** Extra readers, e.g. an OTLP exporter; /metrics is always served. */
  readers?: MetricReader[];
}

export interface Metrics {
  meter: Meter;
  /** Serves the Prometheus text exposition; mount it at GET /metrics. */
  handler: (request: IncomingMessage, response: ServerResponse) => void;
  shutdown(): Promise<void>;
}

export function createMetrics(options: MetricsOptions): Metrics {
  const prometheus = new PrometheusExporter({ preventServerStart: true });
  const provider = new MeterProvider({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: options.serviceName,
      [ATTR_SERVICE_VERSION]: options.serviceVersion ?? '0.0.0',
    }),
    readers: [prometheus, ...(options.readers ?? [])],
  });
  return {
    meter: provider.getMeter(options.serviceName, options.serviceVersion),
    handler: prometheusHandler(prometheus),
    shutdown: () => provider.shutdown(),
  };
}
