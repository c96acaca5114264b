// The harness's own PostgreSQL and Kafka (and, for the bench's jwt variant, Redis), started natively by the same scripts as `make infra-up`
// but on other ports and with their own data dir: the shared instances other people's tests use
// on 54329/9092 are never stopped, restarted or written to. Drills stop and start THESE.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { promisify } from 'node:util';
import pg from 'pg';
import { REPO_ROOT } from './paths.js';

const run = promisify(execFile);

export interface PrivateInfrastructureOptions {
  dataDir: string;
  postgresPort: number;
  /** The KRaft controller listens on kafkaPort + 1. */
  kafkaPort: number;
  /** Only started on demand (startRedis). */
  redisPort?: number;
  log: (line: string) => void;
}

export interface PrivateInfrastructure {
  postgresUrl: string;
  databaseUrl(name: 'one' | 'two'): string;
  kafkaBrokers: string;
  redisUrl: string;
  startPostgres(): Promise<void>;
  stopPostgres(): Promise<void>;
  startKafka(): Promise<void>;
  stopKafka(): Promise<void>;
  /** redis.sh up on redisPort (infra/native/redis.sh; installs redis-server when missing). */
  startRedis(): Promise<void>;
  /** pids of the running postmaster, broker and Redis (undefined when down), for CPU accounting. */
  pids(): { postgres: number | undefined; kafka: number | undefined; redis: number | undefined };
  /**
   * Deletes Kafka's log dirs (stopping it first): the next start begins with empty topics and no
   * consumer groups, so nothing an earlier run left in a topic is consumed by this one.
   */
  emptyKafka(): Promise<void>;
  /** Empties every table of both services' databases but the migrations' bookkeeping. */
  emptyDatabases(): Promise<void>;
  /** Stops all of them; safe to call when any is already down. */
  stopAll(): Promise<void>;
}

export function privateInfrastructure(options: PrivateInfrastructureOptions): PrivateInfrastructure {
  const env = {
    ...process.env,
    DATA_DIR: options.dataDir,
    POSTGRES_PORT: String(options.postgresPort),
    KAFKA_PORT: String(options.kafkaPort),
    REDIS_PORT: String(options.redisPort ?? 16_379),
  };
  let redisStarted = false;
  const script = async (name: 'postgres' | 'kafka' | 'redis', action: 'up' | 'down' | 'purge') => {
    const { stdout } = await run('bash', [`${REPO_ROOT}infra/native/${name}.sh`, action], {
      env,
      timeout: 180_000,
    });
    for (const line of stdout.trim().split('\n')) if (line) options.log(line);
  };
  const postgresUrl = `postgresql://postgres:postgres@127.0.0.1:${options.postgresPort}`;
  return {
    postgresUrl,
    databaseUrl: (name) => `${postgresUrl}/${name}`,
    kafkaBrokers: `127.0.0.1:${options.kafkaPort}`,
    redisUrl: `redis://127.0.0.1:${env.REDIS_PORT}`,
    startPostgres: () => script('postgres', 'up'),
    stopPostgres: () => script('postgres', 'down'),
    startKafka: async () => {
      reuseResolvedKafkaJars(options.dataDir);
      await script('kafka', 'up');
    },
    stopKafka: () => script('kafka', 'down'),
    emptyKafka: async () => {
      await script('kafka', 'down');
      rmSync(`${options.dataDir}/kafka/log-dirs`, { recursive: true, force: true });
    },
    emptyDatabases: async () => {
      for (const name of ['one', 'two'] as const) {
        const client = new pg.Client({ connectionString: `${postgresUrl}/${name}` });
        await client.connect();
        try {
          const { rows } = await client.query<{ tablename: string }>(
            `SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'`,
          );
          if (rows.length > 0)
            await client.query(`TRUNCATE ${rows.map((row) => `"${row.tablename}"`).join(', ')} CASCADE`);
        } finally {
          await client.end();
        }
      }
    },
    startRedis: async () => {
      redisStarted = true;
      await script('redis', 'up');
    },
    pids: () => ({
      postgres: pidFrom(`${options.dataDir}/postgres/data/postmaster.pid`),
      kafka: pidFrom(`${options.dataDir}/kafka/kafka.pid`),
      redis: redisStarted ? pidFrom(`${options.dataDir}/redis/redis.pid`) : undefined,
    }),
    stopAll: async () => {
      const results = await Promise.allSettled([
        script('kafka', 'down'),
        script('postgres', 'down'),
        ...(redisStarted ? [script('redis', 'down')] : []),
      ]);
      const failed = results.find((result) => result.status === 'rejected');
      if (failed) throw failed.reason;
    },
  };
}

/**
 * `make kafka-up` resolves the Kafka jars from Maven Central once into .data/kafka; linking them
 * saves the private instance a second download. Without them kafka.sh resolves its own.
 */
function reuseResolvedKafkaJars(dataDir: string) {
  const version = pinnedKafkaVersion();
  const shared = `${REPO_ROOT}.data/kafka/lib-${version}`;
  const own = `${dataDir}/kafka/lib-${version}`;
  if (existsSync(own) || !existsSync(`${shared}/.complete`)) return;
  mkdirSync(`${dataDir}/kafka`, { recursive: true });
  symlinkSync(shared, own);
}

/** infra/versions.env is the one place versions are pinned. */
export function pinnedKafkaVersion(): string {
  const versions = readFileSync(`${REPO_ROOT}infra/versions.env`, 'utf8');
  return /^KAFKA_VERSION=(.+)$/m.exec(versions)?.[1]?.trim() ?? 'unknown';
}

/** The first line of a pid file, when it names a number. */
function pidFrom(path: string): number | undefined {
  try {
    const pid = Number(readFileSync(path, 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}
