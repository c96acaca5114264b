// Service __name__'s configuration: the schema is the documentation. config.yaml, __PREFIX___* env vars
// (`__` nests: __PREFIX___KAFKA__GROUP_ID) and --flags override these defaults (see @pkg/config).
import type { DeepReadonly } from '@pkg/config';
import { z } from 'zod';

export const configSchema = z.strictObject({
  http: z
    .strictObject({
      host: z.string().min(1).default('127.0.0.1'),
      /** /healthz, /readyz and /metrics. */
      port: z.number().int().min(0).max(65_535).default(18999),
    })
    .prefault({}),
  kafka: z
    .strictObject({
      brokers: z.array(z.string().min(1)).min(1).default(['127.0.0.1:9092']),
      clientId: z.string().min(1).default('__name__'),
      groupId: z.string().min(1).default('__name__'),
      topic: z.string().min(1).default('__name__-events'),
      /** A new consumer group starts at the oldest message instead of the next one. */
      fromBeginning: z.boolean().default(true),
    })
    .prefault({}),
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
      environment: z.string().min(1).default('local'),
      metricExportIntervalMs: z.number().int().positive().default(10_000),
    })
    .prefault({}),
});

export type ServiceConfig = DeepReadonly<z.infer<typeof configSchema>>;
