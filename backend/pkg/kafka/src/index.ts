export { createKafka, toLogCreator, type KafkaOptions, type LoggerLike } from './client.js';
export { headersToStrings } from './headers.js';
export { isKafkajsNegativeTimeout } from './known-warnings.js';
export {
  restartingConsumer,
  type RestartingConsumer,
  type RestartingConsumerOptions,
} from './restarting-consumer.js';
export { EventTypes, Headers, Topics, type Topic } from './topics.js';
export {
  activeTraceHeaders,
  startSendSpan,
  traceProcess,
  traceSendBatch,
  type SendSpan,
  type TracedProcess,
  type TracedSend,
} from './tracing.js';
export type {
  Admin,
  Consumer,
  EachMessagePayload,
  IHeaders,
  Kafka,
  KafkaMessage,
  Message,
  Producer,
} from 'kafkajs';
