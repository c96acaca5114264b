import kafkajs, { type Kafka, type KafkaConfig, type logCreator } from 'kafkajs';

/** The part of a winston logger kafkajs needs; structural, so tests can pass any sink. */
export interface LoggerLike {
  error(message: string, meta?: Record<string, unknown>): unknown;
  warn(message: string, meta?: Record<string, unknown>): unknown;
  info(message: string, meta?: Record<string, unknown>): unknown;
  debug(message: string, meta?: Record<string, unknown>): unknown;
}

export interface KafkaOptions {
  brokers: readonly string[];
  clientId: string;
  logger: LoggerLike;
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** kafkajs retries for connection-level failures (not for message handling). */
  retries?: number;
}

/** kafkajs with its logs routed into our logger (JSON lines, redaction) instead of its console output. */
export function createKafka(options: KafkaOptions): Kafka {
  const config: KafkaConfig = {
    clientId: options.clientId,
    brokers: [...options.brokers],
    connectionTimeout: options.connectionTimeoutMs ?? 3_000,
    requestTimeout: options.requestTimeoutMs ?? 30_000,
    retry: { retries: options.retries ?? 5, initialRetryTime: 300, maxRetryTime: 10_000 },
    logLevel: kafkajs.logLevel.WARN,
    logCreator: toLogCreator(options.logger),
  };
  return new kafkajs.Kafka(config);
}

export function toLogCreator(logger: LoggerLike): logCreator {
  return () =>
    ({ namespace, level, log }) => {
      const { message, timestamp: _timestamp, logger: _name, ...meta } = log;
      const fields = { component: 'kafkajs', namespace, ...meta };
      if (level === kafkajs.logLevel.ERROR) logger.error(message, fields);
      else if (level === kafkajs.logLevel.WARN) logger.warn(message, fields);
      else if (level === kafkajs.logLevel.INFO) logger.info(message, fields);
      else logger.debug(message, fields);
    };
}
