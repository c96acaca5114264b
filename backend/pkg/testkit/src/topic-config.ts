import kafkajs, { type Kafka } from 'kafkajs';

/**
 * Sets a topic's `max.message.bytes`, or with `undefined` removes the override (back to the
 * broker's default): how a scenario makes the broker refuse record batches above a size.
 * alterConfigs replaces a topic's overrides as a whole, so use it on topics with no other override.
 */
export async function setTopicMaxMessageBytes(
  kafka: Kafka,
  topic: string,
  maxBytes: number | undefined,
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: kafkajs.ConfigResourceTypes.TOPIC,
          name: topic,
          configEntries:
            maxBytes === undefined ? [] : [{ name: 'max.message.bytes', value: String(maxBytes) }],
        },
      ],
    });
  } finally {
    await admin.disconnect();
  }
}
