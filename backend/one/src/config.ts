// Service one's configuration: the schema is the documentation. Defaults (ARCHITECTURE.md) are
// here; backend/one/config.yaml, ONE_* env vars and --flags override them (see @pkg/config).
import { z } from 'zod';

export const configSchema = z.strictObject({
  http: z
    .strictObject({
      host: z.string().min(1).default('127.0.0.1'),
      port: z.number().int().min(0).max(65_535).default(8099),
      /** Larger bodies get 413. */
      bodyLimitBytes: z
        .number()
        .int()
        .positive()
        .default(64 * 1024),
    })
    .prefault({}),
  database: z
    .strictObject({
      url: z.string().min(1).default('postgresql://postgres:postgres@127.0.0.1:54329/one'),
      poolSize: z.number().int().positive().default(10),
      /** Bounds how long a request waits for a connection, so an outage answers 503 fast. */
      connectTimeoutMs: z.number().int().positive().default(500),
      statementTimeoutMs: z.number().int().positive().default(5_000),
    })
    .prefault({}),
  kafka: z
    .strictObject({
      brokers: z.array(z.string().min(1)).min(1).default(['127.0.0.1:9092']),
      clientId: z.string().min(1).default('one'),
      /** Consumer group reading three-result. */
      resultsGroupId: z.string().min(1).default('one-results'),
      /** Connection retries before a connect or send gives up (the relay tries again later). */
      retries: z.number().int().min(0).default(5),
    })
    .prefault({}),
  outbox: z
    .strictObject({
      /** The relay also publishes right after each commit; the sweep catches what that missed. */
      sweepIntervalMs: z.number().int().positive().default(1_000),
      batchSize: z.number().int().positive().max(1_000).default(200),
      /** Upper bound for one publish to Kafka, connecting included. */
      publishTimeoutMs: z.number().int().positive().default(10_000),
    })
    .prefault({}),
  /** Snowflake node id; unset → derived from the host's IPv4 address (see @pkg/id resolveNodeId). */
  nodeId: z.number().int().min(0).max(1023).optional(),
  shutdown: z
    .strictObject({
      /** SIGTERM → exit within this bound, whatever is still running. */
      timeoutMs: z.number().int().positive().default(10_000),
    })
    .prefault({}),
  log: z.strictObject({ level: z.string().default('info') }).prefault({}),
  /** OpenTelemetry: traces, metrics and logs over OTLP (endpoint from the standard OTEL_* variables). */
  telemetry: z
    .strictObject({
      /** false: nothing leaves the process over OTLP; /metrics still works. */
      otlpEnabled: z.boolean().default(true),
      /** The resource attribute deployment.environment.name. */
      environment: z.string().min(1).default('local'),
      metricExportIntervalMs: z.number().int().positive().default(10_000),
    })
    .prefault({}),
});

export type OneConfig = z.infer<typeof configSchema>;
