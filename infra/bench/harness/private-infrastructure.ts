// The harness's own PostgreSQL and Kafka, started natively by the same scripts as `make infra-up`
// but on other ports and with their own data dir: the shared instances other people's tests use
// on 54329/9092 are never stopped, restarted or written to. Drills stop and start THESE.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { promisify } from 'node:util';
import { REPO_ROOT } from './paths.js';

const run = promisify(execFile);

export interface PrivateInfrastructureOptions {
  dataDir: string;
  postgresPort: number;
  /** The KRaft controller listens on kafkaPort + 1. */
  kafkaPort: number;
  log: (line: string) => void;
}

export interface PrivateInfrastructure {
  postgresUrl: string;
  databaseUrl(name: 'one' | 'two'): string;
  kafkaBrokers: string;
  startPostgres(): Promise<void>;
  stopPostgres(): Promise<void>;
  startKafka(): Promise<void>;
  stopKafka(): Promise<void>;
  /** pids of the running postmaster and broker (undefined when down), for CPU accounting. */
  pids(): { postgres: number | undefined; kafka: number | undefined };
  /** Stops both; safe to call when either is already down. */
  stopAll(): Promise<void>;
}

export function privateInfrastructure(options: PrivateInfrastructureOptions): PrivateInfrastructure {
  const env = {
    ...process.env,
    DATA_DIR: options.dataDir,
    POSTGRES_PORT: String(options.postgresPort),
    KAFKA_PORT: String(options.kafkaPort),
  };
  const script = async (name: 'postgres' | 'kafka', action: 'up' | 'down') => {
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
    startPostgres: () => script('postgres', 'up'),
    stopPostgres: () => script('postgres', 'down'),
    startKafka: async () => {
      reuseResolvedKafkaJars(options.dataDir);
      await script('kafka', 'up');
    },
    stopKafka: () => script('kafka', 'down'),
    pids: () => ({
      postgres: pidFrom(`${options.dataDir}/postgres/data/postmaster.pid`),
      kafka: pidFrom(`${options.dataDir}/kafka/kafka.pid`),
    }),
    stopAll: async () => {
      const results = await Promise.allSettled([script('kafka', 'down'), script('postgres', 'down')]);
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
