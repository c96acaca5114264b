// The shared infrastructure the scenarios run against (endpoints from the environment), plus
// scratch databases for scenarios that must not share `one` with other running instances.
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import kafkajs from 'kafkajs';
import { databaseUrl, infrastructureFromEnv, uniqueId, type Infrastructure } from '@pkg/testkit';
import { applyMigrations } from '@pkg/migrate';

export const infrastructure: Infrastructure = infrastructureFromEnv();
export const oneDatabaseUrl = databaseUrl(infrastructure, 'one');
export const migrationsDir = fileURLToPath(new URL('../../prisma/migrations', import.meta.url));

export const kafka = new kafkajs.Kafka({
  clientId: 'one-component-tests',
  brokers: infrastructure.kafkaBrokers,
  logLevel: kafkajs.logLevel.NOTHING,
});

export function hostAndPort(url: string): { host: string; port: number } {
  const parsed = new URL(url.includes('://') ? url : `tcp://${url}`);
  return { host: parsed.hostname, port: Number(parsed.port) };
}

export interface ScratchDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A new database of our own, migrated with the offline migrator; dropped after the scenario. */
export async function createMigratedScratchDatabase(): Promise<ScratchDatabase> {
  const name = uniqueId('one_scratch').replaceAll('-', '_').toLowerCase();
  await withServerConnection((client) => client.query(`CREATE DATABASE "${name}"`));
  const url = databaseUrl(infrastructure, name);
  await applyMigrations({ databaseUrl: url, migrationsDir });
  return {
    name,
    url,
    drop: () =>
      withServerConnection((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(
        () => undefined,
      ),
  };
}

async function withServerConnection<T>(use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl(infrastructure, 'postgres') });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

/** Runs `use` with a one-off pg client on `url`. */
export async function withDatabase<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

/**
 * Points a new consumer group at the current end of `topic`, so it reads only what is produced
 * from now on, without replaying the topic's history and without a join race.
 */
export async function startGroupAtEnd(groupId: string, topic: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    await admin.setOffsets({
      groupId,
      topic,
      partitions: offsets.map(({ partition, high }) => ({ partition, offset: high })),
    });
  } finally {
    await admin.disconnect();
  }
}
