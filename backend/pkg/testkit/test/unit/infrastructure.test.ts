import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  databaseUrl,
  infrastructureEnv,
  infrastructureFromEnv,
  MISSING_INFRASTRUCTURE_MESSAGE,
  selectInfrastructure,
} from '../../src/index.js';

const FULL_ENV = {
  POSTGRES_URL: 'postgresql://postgres:postgres@127.0.0.1:54329/',
  KAFKA_BROKERS: '127.0.0.1:9092, 127.0.0.1:9094',
  REDIS_URL: 'redis://127.0.0.1:6379',
  WIREMOCK_URL: 'http://127.0.0.1:8089/',
};

describe('selectInfrastructure', () => {
  it('uses the environment when every endpoint is set, even if Docker answers', () => {
    const source = selectInfrastructure(FULL_ENV, true);
    assert.deepEqual(source, {
      kind: 'env',
      infrastructure: {
        postgresUrl: 'postgresql://postgres:postgres@127.0.0.1:54329',
        kafkaBrokers: ['127.0.0.1:9092', '127.0.0.1:9094'],
        redisUrl: 'redis://127.0.0.1:6379',
        wiremockUrl: 'http://127.0.0.1:8089',
      },
    });
  });

  it('starts testcontainers when nothing is set and a Docker engine answers', () => {
    assert.deepEqual(selectInfrastructure({}, true), { kind: 'testcontainers' });
  });

  it('stops with the make infra-up message when nothing is set and there is no Docker engine', () => {
    assert.deepEqual(selectInfrastructure({}, false), {
      kind: 'missing',
      message: MISSING_INFRASTRUCTURE_MESSAGE,
    });
    assert.match(MISSING_INFRASTRUCTURE_MESSAGE, /make infra-up/);
  });

  it('refuses a partial environment and names the missing variables, rather than mixing sources', () => {
    const source = selectInfrastructure({ KAFKA_BROKERS: '127.0.0.1:9092', REDIS_URL: ' ' }, true);
    assert.equal(source.kind, 'missing');
    assert.match(
      source.kind === 'missing' ? source.message : '',
      /POSTGRES_URL, REDIS_URL, WIREMOCK_URL not set/,
    );
  });
});

describe('infrastructureFromEnv', () => {
  it('throws the newcomer message when the variables are missing', () => {
    assert.throws(() => infrastructureFromEnv({}), { message: MISSING_INFRASTRUCTURE_MESSAGE });
  });

  it('hands the same endpoints to child processes under the Makefile names', () => {
    const env = infrastructureEnv(infrastructureFromEnv(FULL_ENV));
    assert.equal(env.ONE_DATABASE_URL, 'postgresql://postgres:postgres@127.0.0.1:54329/one');
    assert.equal(env.TWO_DATABASE_URL, 'postgresql://postgres:postgres@127.0.0.1:54329/two');
    assert.equal(env.DATABASE_URL, 'postgresql://postgres:postgres@127.0.0.1:54329/reference');
    assert.equal(env.KAFKA_BROKERS, '127.0.0.1:9092,127.0.0.1:9094');
  });

  it('builds database URLs without losing credentials', () => {
    assert.equal(
      databaseUrl({ postgresUrl: 'postgresql://u:p%40ss@db:5432' }, 'two'),
      'postgresql://u:p%40ss@db:5432/two',
    );
  });
});
