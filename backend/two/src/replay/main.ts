// `npm run replay -w backend/two -- [--request-id <id>] [--limit <n>]`: puts dead letters back on
// the requests topic and prints what it did. Kafka, topics and database come from two's config
// (config.yaml, TWO_* env, KAFKA_BROKERS / TWO_DATABASE_URL).
import { parseArgs } from 'node:util';
import { configOrExit } from '@pkg/config';
import { createKafka } from '@pkg/kafka';
import { createLogger } from '@pkg/logger';
import { z } from 'zod';
import { twoConfigFields } from '../config.js';
import { createDeliveryDatabase } from '../deliveries/database.js';
import { createPostgresDeliveryStore } from '../deliveries/postgres-delivery-store.js';
import { packagePath } from '../package-path.js';
import { replayDeadLetters } from './replay-dead-letters.js';
import { createPostgresReplayRecords } from './replay-records.js';

const { values: args } = parseArgs({
  options: { 'request-id': { type: 'string' }, limit: { type: 'string', default: '100' } },
});
const limit = Number(args.limit);
if (!Number.isInteger(limit) || limit <= 0) {
  console.error(`--limit must be a positive integer, got ${args.limit}`);
  process.exit(2);
}

const config = configOrExit({
  // The service's keys in config.yaml that replay does not need are accepted and ignored.
  schema: twoConfigFields.pick({ kafka: true, databaseUrl: true }).catchall(z.unknown()),
  envPrefix: 'TWO',
  argv: [],
  env: {
    ...process.env,
    TWO_CONFIG_FILE: process.env.TWO_CONFIG_FILE ?? packagePath('config.yaml'),
    TWO_KAFKA__BROKERS: process.env.TWO_KAFKA__BROKERS ?? process.env.KAFKA_BROKERS,
  },
});
const logger = createLogger({ service: 'two-replay', level: 'warn', stream: process.stderr });
const database = createDeliveryDatabase({ databaseUrl: config.databaseUrl, poolSize: 1 });
const { deadLetters, requests } = config.kafka.topics;

try {
  const report = await replayDeadLetters({
    kafka: createKafka({ brokers: config.kafka.brokers, clientId: 'two-replay', logger }),
    store: createPostgresDeliveryStore(database),
    records: createPostgresReplayRecords(database.pool),
    deadLetterTopic: deadLetters,
    targetTopic: requests,
    ...(args['request-id'] ? { requestId: args['request-id'] } : {}),
    limit,
  });
  for (const letter of report.replayed) {
    console.log(
      `replayed ${letter.requestId} (reason ${letter.reason}) from ${deadLetters}[${letter.partition}]@${letter.offset} to ${requests}`,
    );
  }
  for (const id of report.skippedDelivered)
    console.log(`skipped ${id}: delivered since it was dead-lettered`);
  console.log(
    `${report.replayed.length} replayed, ${report.skippedDelivered.length} skipped, ${report.scanned} dead letters scanned` +
      (args['request-id'] ? ` (request id ${args['request-id']})` : '') +
      `, limit ${limit}`,
  );
} catch (error) {
  console.error(`replay failed: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await database.close();
}
