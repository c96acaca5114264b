// Service one's configuration: the schema is the documentation. Defaults are here;
// backend/one/config.yaml, ONE_* env vars and --flags override them (see @pkg/config).
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
      /**
       * Retries before a connect or send gives up (the relay tries again on its next round). Also
       * the producer's: left unset, kafkajs retries an idempotent producer's send without end.
       */
      retries: z.number().int().min(1).default(5),
    })
    .prefault({}),
  outbox: z
    .strictObject({
      /** The relay also publishes right after each commit; the sweep catches what that missed. */
      sweepIntervalMs: z.number().int().positive().default(1_000),
      batchSize: z.number().int().positive().max(1_000).default(200),
      /**
       * Upper bound of one send to Kafka, estimated in bytes; a claimed batch is cut into sends of at
       * most this size. Keep it below the broker's (or topic's) message.max.bytes, 1 MiB by default.
       */
      maxBatchBytes: z
        .number()
        .int()
        .min(16 * 1024)
        .default(768 * 1024),
    })
    .prefault({}),
  /** Snowflake node id; unset → derived from the host's IPv4 address (see @pkg/id resolveNodeId). */
  nodeId: z.number().int().min(0).max(1023).optional(),
  shutdown: z
    .strictObject({
      /** SIGTERM → exit within this bound, whatever is still running. */
      timeoutMs: z.number().int().positive().default(10_000),
      /**
       * SIGTERM → /readyz answers 503 at once, but the listener keeps serving this long, so a load
       * balancer that polls readiness stops routing here before connections are refused.
       */
      drainDelayMs: z.number().int().min(0).default(2_000),
    })
    .refine((shutdown) => shutdown.drainDelayMs < shutdown.timeoutMs / 2, {
      message: 'drainDelayMs must be less than half of timeoutMs (the rest is for the stop itself)',
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
