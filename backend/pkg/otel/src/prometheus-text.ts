// The /metrics handler: the Prometheus exporter's collection, serialised with the unit suffixes
// Prometheus itself adds when it ingests OTLP (`UnderscoreEscapingWithSuffixes`: unit `s` →
// `_seconds`). The exporter alone writes `http_server_request_duration` where the OTLP path stores
// `http_server_request_duration_seconds`; with this, both ingest paths give the names in
// observability/metrics.md, and a dashboard's "Metrics via" selector switches only `ingest_path`.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PrometheusSerializer, type PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';

/** UCUM units → the suffix Prometheus' OTLP translation appends (the ones our instruments use). */
const UNIT_SUFFIXES: Readonly<Record<string, string>> = { s: 'seconds', ms: 'milliseconds', By: 'bytes' };

export function withUnitSuffixes(resourceMetrics: ResourceMetrics): ResourceMetrics {
  return {
    ...resourceMetrics,
    scopeMetrics: resourceMetrics.scopeMetrics.map((scope) => ({
      ...scope,
      metrics: scope.metrics.map((metric) => {
        const suffix = UNIT_SUFFIXES[metric.descriptor.unit];
        const name = metric.descriptor.name;
        if (!suffix || name.endsWith(`_${suffix}`) || name.endsWith(`.${suffix}`)) return metric;
        return { ...metric, descriptor: { ...metric.descriptor, name: `${name}_${suffix}` } };
      }),
    })),
  };
}

/** Serves GET /metrics from `exporter` (created with preventServerStart) with unit suffixes. */
export function prometheusHandler(exporter: PrometheusExporter) {
  const serializer = new PrometheusSerializer();
  return (_request: IncomingMessage, response: ServerResponse): void => {
    exporter
      .collect()
      .then(({ resourceMetrics }) => {
        response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
        response.end(serializer.serialize(withUnitSuffixes(resourceMetrics)));
      })
      .catch((error: unknown) => {
        response.writeHead(500, { 'content-type': 'text/plain' });
        response.end(
          `# failed to collect metrics: ${error instanceof Error ? error.message : String(error)}\n`,
        );
      });
  };
}
