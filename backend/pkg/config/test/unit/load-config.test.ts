import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { loadConfig } from '../../src/index.js';
import { isolated, yamlFile } from './fixtures.js';

describe('loadConfig precedence', () => {
  const file = yamlFile(
    ['http:', '  host: 0.0.0.0', '  port: 8100', 'kafka:', '  clientId: from-file', ''].join('\n'),
  );

  it('fills what nothing else sets from the schema defaults', () => {
    const config = loadConfig(isolated({ env: { ONE_KAFKA__CLIENT_ID: 'one' } }));
    assert.deepEqual(config.http, { host: '127.0.0.1', port: 8099 });
    assert.deepEqual(config.kafka.brokers, ['127.0.0.1:9092']);
  });

  it('lets the file override defaults, env override the file, and flags override env', () => {
    const config = loadConfig(
      isolated({
        file,
        env: { ONE_HTTP__PORT: '8200', ONE_KAFKA__CLIENT_ID: 'from-env' },
        argv: ['--kafka.clientId=from-flag'],
      }),
    );
    assert.equal(config.http.host, '0.0.0.0'); // file over default
    assert.equal(config.http.port, 8200); // env over file
    assert.equal(config.kafka.clientId, 'from-flag'); // flag over env
    assert.equal(config.kafka.ssl, false); // default, nothing else set it
  });

  it('finds the file from the option, else --config, else <PREFIX>_CONFIG_FILE', () => {
    const other = yamlFile('kafka:\n  clientId: other-file\n');
    const clientId = (opts: Parameters<typeof isolated>[0]) => loadConfig(isolated(opts)).kafka.clientId;

    assert.equal(clientId({ env: { ONE_CONFIG_FILE: file } }), 'from-file');
    assert.equal(clientId({ env: { ONE_CONFIG_FILE: file }, argv: ['--config', other] }), 'other-file');
    assert.equal(
      clientId({ file: other, env: { ONE_CONFIG_FILE: file }, argv: ['--config', file] }),
      'other-file',
    );
  });
});

describe('loadConfig from env and flags', () => {
  it('maps __ to nesting and SNAKE_CASE segments to camelCase keys', () => {
    const config = loadConfig(
      isolated({ env: { ONE_KAFKA__CLIENT_ID: 'one', ONE_OAUTH__TIMEOUT_MS: '250' } }),
    );
    assert.equal(config.kafka.clientId, 'one');
    assert.equal(config.oauth.timeoutMs, 250);
  });

  it('converts strings to the number, boolean and list types the schema expects', () => {
    const config = loadConfig(
      isolated({
        env: { ONE_KAFKA__CLIENT_ID: 'one', ONE_KAFKA__BROKERS: 'a:9092, b:9092', ONE_KAFKA__SSL: 'true' },
        argv: ['--http.port', '8111', '--id.nodeId=7'],
      }),
    );
    assert.deepEqual(config.kafka.brokers, ['a:9092', 'b:9092']);
    assert.equal(config.kafka.ssl, true);
    assert.equal(config.http.port, 8111);
    assert.equal(config.id.nodeId, 7);
  });

  it('treats a boolean flag without a value as true', () => {
    const config = loadConfig(isolated({ argv: ['--kafka.ssl', '--kafka.clientId', 'one'] }));
    assert.equal(config.kafka.ssl, true);
  });

  it('ignores env variables with the prefix that name no key', () => {
    const config = loadConfig(
      isolated({ env: { ONE_KAFKA__CLIENT_ID: 'one', ONE_UNRELATED: 'x', ONE_HTTP: 'y' } }),
    );
    assert.equal(config.kafka.clientId, 'one');
  });

  it('converts at the input of transforms and inside records', () => {
    const config = loadConfig({
      schema: z.object({
        timeout: z.number().transform((ms) => ms / 1000),
        limits: z.record(z.string(), z.number()).default({}),
      }),
      envPrefix: 'TWO',
      env: { TWO_TIMEOUT: '1500', TWO_LIMITS__PER_CLIENT: '5' },
      argv: [],
    });
    assert.deepEqual(config, { timeout: 1.5, limits: { perClient: 5 } });
  });

  it('returns a deep-frozen object', () => {
    const config = loadConfig(isolated({ env: { ONE_KAFKA__CLIENT_ID: 'one' } }));
    assert.ok(
      Object.isFrozen(config) && Object.isFrozen(config.http) && Object.isFrozen(config.kafka.brokers),
    );
    assert.throws(() => {
      (config.http as { port: number }).port = 1;
    }, TypeError);
  });
});
