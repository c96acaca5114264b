import winston from 'winston';
import { createRedactor, DEFAULT_REDACTED_KEYS, scrubCredentials, type Redactor } from './redact.js';

export type Logger = winston.Logger;

export interface LoggerOptions {
  /** Written on every line, so logs of all services can share one index. */
  service: string;
  /** One of winston's npm levels: error, warn, info, http, verbose, debug, silly. Default 'info'. */
  level?: string;
  /** Replaces the default list; spread `DEFAULT_REDACTED_KEYS` to extend it. */
  redactKeys?: readonly string[];
  /** Default `process.stdout`; tests pass a sink. */
  stream?: NodeJS.WritableStream;
  /**
   * Called for every line; its fields are added to it. The observability setup injects the
   * active trace_id/span_id here, so the logger does not depend on OpenTelemetry.
   */
  contextFields?: () => Record<string, unknown>;
}

// The symbols winston and its transports read (defined by triple-beam as registered symbols).
const LEVEL = Symbol.for('level');
const MESSAGE = Symbol.for('message');

/** These belong to the logger; fields of the same name from a call site cannot overwrite them. */
const RESERVED = new Set(['level', 'time', 'service', 'msg', 'message']);

/**
 * A winston logger writing one JSON object per line:
 * `{"level","time","service","msg", ...context fields, ...call fields}` with secrets redacted.
 * Log structured fields (`logger.info('order stored', { order_id })`), and use
 * `logger.child({ request_id })` for fields that apply to a whole unit of work.
 */
export function createLogger({
  service,
  level = 'info',
  redactKeys = DEFAULT_REDACTED_KEYS,
  stream = process.stdout,
  contextFields,
}: LoggerOptions): Logger {
  if (!Object.hasOwn(winston.config.npm.levels, level)) {
    throw new RangeError(
      `unknown log level ${JSON.stringify(level)}; use one of ${Object.keys(winston.config.npm.levels).join(', ')}`,
    );
  }
  return winston.createLogger({
    level,
    levels: winston.config.npm.levels,
    format: jsonLine(service, createRedactor(redactKeys), contextFields),
    transports: [new winston.transports.Stream({ stream })],
  });
}

function jsonLine(
  service: string,
  redact: Redactor,
  contextFields: (() => Record<string, unknown>) | undefined,
): winston.Logform.Format {
  return {
    transform(info) {
      const time = new Date().toISOString();
      const { level, message, ...fields } = info;
      let line: Record<string, unknown>;
      try {
        const msg = typeof message === 'string' ? scrubCredentials(message) : redact(message);
        // Call-site fields win over ambient context, as in pino's mixin: the caller knows best.
        const extra = redact({ ...readContext(contextFields), ...fields }) as Record<string, unknown>;
        for (const key of RESERVED) delete extra[key];
        line = { level, time, service, msg, ...extra };
      } catch (error) {
        // Logging must never take the caller down; emit what we can and say why.
        line = { level, time, service, msg: 'log line could not be serialised', error: String(error) };
      }
      // A new object, never the caller's: other transports (the OpenTelemetry one) see the redacted
      // fields too, and only those: time, service and msg are the record's own timestamp, resource
      // and body there, and repeating them as attributes was a third of each exported record.
      const { time: _time, service: _service, msg, ...attributes } = line;
      return { ...attributes, level, message: msg, [LEVEL]: info[LEVEL], [MESSAGE]: JSON.stringify(line) };
    },
  };
}

function readContext(contextFields: (() => Record<string, unknown>) | undefined): Record<string, unknown> {
  if (!contextFields) return {};
  try {
    return contextFields();
  } catch (error) {
    return { context_error: error instanceof Error ? error.message : String(error) };
  }
}
