import type { DeepReadonly } from '@pkg/config';
import { Topics } from '@pkg/kafka';
import { z } from 'zod';

const LOCAL_WIREMOCK = 'http://127.0.0.1:8089';

/**
 * Everything two can be told, with the defaults of docs/architecture.md. Loaded by @pkg/config:
 * config.yaml < env `TWO_*` (`TWO_THREE__MAX_ATTEMPTS=5`) < flags (`--three.maxAttempts=5`).
 */
/** The keys without the cross-key rule below, for tools that read a part of them (replay: `.pick`). */
export const twoConfigFields = z.object({
  http: z
    .object({
      host: z.string().default('127.0.0.1'),
      port: z.number().int().min(0).max(65535).default(8082),
      /** A readiness check that has not answered within this counts as failing (503, named). */
      readinessTimeoutMs: z.number().int().positive().default(2_000),
    })
    .prefault({}),
  log: z.object({ level: z.string().default('info') }).prefault({}),
  /** OpenTelemetry: traces, metrics and logs over OTLP (endpoint from the standard OTEL_* variables). */
  telemetry: z
    .object({
      /** false: nothing leaves the process over OTLP; /metrics still works. */
      otlpEnabled: z.boolean().default(true),
      /** The resource attribute deployment.environment.name. */
      environment: z.string().min(1).default('local'),
      metricExportIntervalMs: z.number().int().positive().default(10_000),
    })
    .prefault({}),
  /** `TWO_DATABASE_URL`, the same variable the Makefile exports. */
  databaseUrl: z.string().default('postgresql://postgres:postgres@127.0.0.1:54329/two'),
  databasePoolSize: z.number().int().positive().default(10),
  /** Bound for getting a connection: a silent database fails claim, finish and /readyz instead of hanging them. */
  databaseConnectTimeoutMs: z.number().int().positive().default(1_000),
  /** Server-side statement_timeout; the client gives up 1 s after it (a server that stopped answering). */
  databaseStatementTimeoutMs: z.number().int().positive().default(5_000),
  kafka: z
    .object({
      brokers: z.array(z.string()).min(1).default(['127.0.0.1:9092']),
      clientId: z.string().default('two'),
      groupId: z.string().default('two'),
      topics: z
        .object({
          requests: z.string().default(Topics.oneRequest),
          deadLetters: z.string().default(Topics.oneRequestDlq),
          results: z.string().default(Topics.threeResult),
        })
        .prefault({}),
      /**
       * Where a group without committed offsets starts: at the oldest retained message, so requests
       * published before two's first start (or under a new group id) are delivered, not skipped.
       * Already-delivered ones are recognised by the delivery store and not called again.
       */
      fromBeginning: z.boolean().default(true),
      partitionsConcurrently: z.number().int().positive().default(3),
      chunkSize: z.number().int().positive().default(500),
      /**
       * A chunk's results and dead letters are published in sends of at most this many bytes, well
       * under the broker's message.max.bytes (≈ 1 MiB by default; a send above it is refused for good).
       */
      maxPublishBatchBytes: z.number().int().positive().default(524_288),
      /** How long the broker may be silent before the group gives this member's partitions away. */
      sessionTimeoutMs: z.number().int().min(6_000).default(30_000),
      /** Longest wait of one fetch; also bounds how long a stop waits for the fetch in flight. */
      maxWaitTimeMs: z.number().int().positive().default(1_000),
    })
    .prefault({}),
  auth: z.object({
    /** Base URL of the OAuth server (`/v2/oauth/token` is appended); defaults to WireMock. */
    tokenUrl: z.url().default(LOCAL_WIREMOCK),
    clientId: z.string().min(1).default('two'),
    /** No default on purpose: `TWO_AUTH__CLIENT_SECRET`. Redacted in logs by key. */
    clientSecret: z.string().min(1),
    scope: z.string().default('three'),
    refreshAheadMs: z.number().int().min(0).default(30_000),
    timeoutMs: z.number().int().positive().default(5_000),
    maxAttempts: z.number().int().positive().default(3),
  }),
  three: z
    .object({
      /** Base URL of the third party (`/three` is appended); defaults to WireMock. */
      url: z.url().default(LOCAL_WIREMOCK),
      /** Bounds connecting and waiting for the answer's headers, each; a stop waits for a call in flight. */
      timeoutMs: z.number().int().positive().default(5_000),
      connections: z.number().int().positive().default(64),
      maxAttempts: z.number().int().positive().default(5),
      initialDelayMs: z.number().int().min(0).default(200),
      maxDelayMs: z.number().int().min(0).default(10_000),
      maxRetryAfterMs: z.number().int().min(0).default(30_000),
      breaker: z
        .object({
          consecutiveFailures: z.number().int().positive().default(5),
          halfOpenAfterMs: z.number().int().positive().default(10_000),
        })
        .prefault({}),
    })
    .prefault({}),
  /**
   * Bound for SIGTERM: stop consuming, commit, disconnect. Waits (backoff, Retry-After, an open
   * breaker) are cut short at once; a call in flight is awaited (aborting it could hide a 200), so
   * the bound must leave room for one: connect + answer, 2 × three.timeoutMs.
   */
  shutdownTimeoutMs: z.number().int().positive().default(15_000),
});

export const twoConfigSchema = twoConfigFields.refine(
  (config) => config.shutdownTimeoutMs > 2 * config.three.timeoutMs,
  {
    message:
      'shutdownTimeoutMs must exceed 2 × three.timeoutMs: a stop waits for the third-party call in flight',
    path: ['shutdownTimeoutMs'],
  },
);

export type TwoConfig = DeepReadonly<z.infer<typeof twoConfigSchema>>;

/** For tests and embedding: the defaults plus what the caller sets (nested objects merge with the defaults). */
export function twoConfig(input: z.input<typeof twoConfigSchema>): TwoConfig {
  return twoConfigSchema.parse(input);
}
