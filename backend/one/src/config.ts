// Service one's configuration: the schema is the documentation. Defaults are here;
// backend/one/config.yaml, ONE_* env vars and --flags override them (see @pkg/config).
import { ASYMMETRIC_ALGORITHMS } from '@pkg/auth';
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
  /**
   * Who may call the API (README "API protection"). `none`: anyone, the local demo's default;
   * `jwt`: a bearer token from the issuer below is required on /one, and callers read only their own
   * requests. The Kubernetes production overlay runs `jwt`.
   */
  auth: z
    .strictObject({
      mode: z.enum(['none', 'jwt']).default('none'),
      /** Must equal the tokens' `iss` exactly, trailing slash included. */
      issuer: z.string().min(1).optional(),
      /** Must be one of the tokens' `aud` values. */
      audience: z.string().min(1).optional(),
      /** The identity provider's key set, e.g. https://idp.example.com/.well-known/jwks.json */
      jwksUrl: z.url({ protocol: /^https?$/ }).optional(),
      /** Asymmetric only: HS256 & co. are refused here, so a public key can never act as an HMAC secret. */
      algorithms: z.array(z.enum(ASYMMETRIC_ALGORITHMS)).min(1).default(['RS256', 'ES256']),
      clockToleranceS: z.number().int().min(0).max(300).default(30),
      /** Minimum time between two JWKS refetches caused by an unknown `kid`. */
      jwksCooldownMs: z.number().int().min(0).default(30_000),
      /** A cached key set older than this is refetched on the next verification. */
      jwksMaxAgeMs: z.number().int().positive().default(600_000),
      /** Bound of one JWKS fetch; past it the request answers 503. */
      jwksTimeoutMs: z.number().int().positive().default(2_000),
      /**
       * A token whose `scope` (space-separated) or `roles` (array) holds this value may read every
       * request, not only its subject's. Unset: nobody may.
       */
      readAnyScope: z.string().min(1).optional(),
    })
    .refine((auth) => auth.mode !== 'jwt' || (auth.issuer && auth.audience && auth.jwksUrl), {
      message: 'jwt mode needs issuer, audience and jwksUrl',
    })
    .prefault({}),
  /** Redis, where the rate limit counters live (shared by every instance of one). */
  redis: z
    .strictObject({
      url: z.string().min(1).default('redis://127.0.0.1:6379'),
      /** Bound of one limiter round trip; past it the request goes through (fail open). */
      commandTimeoutMs: z.number().int().positive().default(250),
    })
    .prefault({}),
  /**
   * Fixed-window limit on /one per caller: the token subject in `jwt` mode, the client address in
   * `none` mode. Redis unreachable → requests go through (fail open), counted by
   * one.ratelimit.unavailable and logged at most once a minute.
   */
  rateLimit: z
    .strictObject({
      /**
       * Unset: on in `jwt` mode, off in `none` mode (the local demo, the benchmark and the drills
       * post from one address, 127.0.0.1). Set it to limit `none` mode per client address too.
       */
      enabled: z.boolean().optional(),
      /** Requests allowed per window. */
      points: z.number().int().positive().default(100),
      /** Window length in seconds. */
      durationS: z.number().int().positive().default(1),
      /**
       * Proxy hops in front of one whose X-Forwarded-For is trusted for the client address (Express
       * `trust proxy`); 0 = the socket's peer. Only `none` mode keys the limit by address.
       */
      trustedProxyHops: z.number().int().min(0).default(0),
    })
    .prefault({}),
  /** Browser callers from other origins; empty (the default) sends no CORS headers at all. */
  cors: z
    .strictObject({
      allowedOrigins: z.array(z.url()).default([]),
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
