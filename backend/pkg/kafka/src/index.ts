export { createKafka, toLogCreator, type KafkaOptions, type LoggerLike } from './client.js';
export { headersToStrings } from './headers.js';
export { EventTypes, Headers, Topics, type Topic } from './topics.js';
export type { Consumer, EachMessagePayload, IHeaders, Kafka, KafkaMessage, Message, Producer } from 'kafkajs';
