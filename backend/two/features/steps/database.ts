import { databaseUrl } from '@pkg/testkit';
import pg from 'pg';
import type { TwoWorld } from './world.js';

/** A direct look at two's database, for what the store's interface does not expose. */
export async function query(world: TwoWorld, sql: string, params: unknown[] = []) {
  const client = new pg.Client({ connectionString: databaseUrl(world.infra, 'two') });
  await client.connect();
  try {
    return await client.query(sql, params);
  } finally {
    await client.end();
  }
}
