// Records what arrives on a topic from the moment it starts, so scenarios can wait for "their"
// message (found by its unique key) without reading the topic's history.
import type { Consumer, KafkaMessage } from 'kafkajs';
import { headersToStrings } from '@pkg/kafka';
import { uniqueId } from '@pkg/testkit';
import { kafka, startGroupAtEnd } from './infrastructure.js';

export interface RecordedMessage {
  key: string;
  value: unknown;
  headers: Record<string, string>;
  partition: number;
}

export class TopicRecorder {
  readonly #byKey = new Map<string, RecordedMessage[]>();
  #consumer: Consumer | undefined;

  constructor(readonly topic: string) {}

  async start(): Promise<void> {
    const groupId = uniqueId('one-test-recorder');
    await startGroupAtEnd(groupId, this.topic);
    this.#consumer = kafka.consumer({ groupId });
    await this.#consumer.connect();
    await this.#consumer.subscribe({ topic: this.topic });
    await this.#consumer.run({
      eachMessage: async ({ partition, message }) => this.#record(partition, message),
    });
  }

  messagesFor(key: string): RecordedMessage[] {
    return this.#byKey.get(key) ?? [];
  }

  async stop(): Promise<void> {
    await this.#consumer?.disconnect();
  }

  #record(partition: number, message: KafkaMessage) {
    const key = message.key?.toString('utf8') ?? '';
    const text = message.value?.toString('utf8') ?? 'null';
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      value = text;
    }
    const list = this.#byKey.get(key) ?? [];
    list.push({ key, value, headers: headersToStrings(message.headers), partition });
    this.#byKey.set(key, list);
  }
}
