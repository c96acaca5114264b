// The Docker path: start the pinned images with testcontainers when no endpoints are configured.
// It cannot run on machines without a Docker engine (this project's CI), so it stays small and the
// decision to use it (selectInfrastructure) is what the unit tests cover.
import { createServer } from 'node:net';
import { GenericContainer, Wait, type StartedTestContainer } from 'testcontainers';
import type { Infrastructure } from './infrastructure.js';
import { pinnedImage } from './versions.js';

export interface StartedInfrastructure {
  infrastructure: Infrastructure;
  stop(): Promise<void>;
}

export async function startContainers(): Promise<StartedInfrastructure> {
  const kafkaPort = await freePort();
  const started: StartedTestContainer[] = await Promise.all([
    new GenericContainer(pinnedImage('POSTGRES_IMAGE'))
      .withEnvironment({ POSTGRES_PASSWORD: 'postgres' })
      .withCopyContentToContainer([
        { content: CREATE_DATABASES, target: '/docker-entrypoint-initdb.d/databases.sql' },
      ])
      .withExposedPorts(5432)
      .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
      .start(),
    // Kafka advertises the host port, so it is fixed to a free one picked above.
    new GenericContainer(pinnedImage('KAFKA_IMAGE'))
      .withEnvironment({
        KAFKA_NODE_ID: '1',
        KAFKA_PROCESS_ROLES: 'broker,controller',
        KAFKA_LISTENERS: 'PLAINTEXT://:9092,CONTROLLER://:9093',
        KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://127.0.0.1:${kafkaPort}`,
        KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
        KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
        KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
        KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
        KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
        KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
        KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
      })
      .withExposedPorts({ container: 9092, host: kafkaPort })
      .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
      .start(),
    new GenericContainer(pinnedImage('REDIS_IMAGE')).withExposedPorts(6379).start(),
    new GenericContainer(pinnedImage('WIREMOCK_IMAGE'))
      .withExposedPorts(8080)
      .withWaitStrategy(Wait.forHttp('/__admin/health', 8080))
      .start(),
  ]);
  const [postgres, , redis, wiremock] = started as [
    StartedTestContainer,
    StartedTestContainer,
    StartedTestContainer,
    StartedTestContainer,
  ];
  return {
    infrastructure: {
      postgresUrl: `postgresql://postgres:postgres@${postgres.getHost()}:${postgres.getMappedPort(5432)}`,
      kafkaBrokers: [`127.0.0.1:${kafkaPort}`],
      redisUrl: `redis://${redis.getHost()}:${redis.getMappedPort(6379)}`,
      wiremockUrl: `http://${wiremock.getHost()}:${wiremock.getMappedPort(8080)}`,
    },
    stop: async () => {
      await Promise.all(started.map((container) => container.stop()));
    },
  };
}

const CREATE_DATABASES = 'CREATE DATABASE one;\nCREATE DATABASE two;\nCREATE DATABASE reference;\n';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}
