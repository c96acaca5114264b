import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, configOrExit, loadConfig } from '../../src/index.js';
import { isolated, schema, yamlFile } from './fixtures.js';

/** The ConfigError message loadConfig throws for these options. */
function failure(opts: Parameters<typeof isolated>[0]): string {
  try {
    loadConfig(isolated(opts));
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected ConfigError, got ${String(error)}`);
    assert.equal(error.message.split('\n').length, error.issues.length, 'one line per problem');
    return error.message;
  }
  assert.fail('expected loadConfig to throw');
}

const REQUIRED = { ONE_KAFKA__CLIENT_ID: 'one' };

describe('ConfigError messages', () => {
  it('names a missing required key and every way to set it', () => {
    assert.equal(
      failure({}),
      'invalid configuration: kafka.clientId: required, but not set ' +
        '(set kafka.clientId in the config file, env ONE_KAFKA__CLIENT_ID or flag --kafka.clientId)',
    );
  });

  it('names the key, the expected type, the value and the env variable it came from', () => {
    assert.equal(
      failure({ env: { ...REQUIRED, ONE_HTTP__PORT: 'abc' } }),
      'invalid configuration: http.port: expected number, received "abc" (from env ONE_HTTP__PORT)',
    );
  });

  it('says when a value came from a flag or from the file', () => {
    const file = yamlFile('http:\n  port: 70000\nkafka:\n  clientId: one\n  ssl: "yes"\n');
    assert.equal(
      failure({ file }),
      [
        `invalid configuration: http.port: too big: expected number to be <=65535, received 70000 (from file ${file})`,
        `invalid configuration: kafka.ssl: expected boolean, received "yes" (from file ${file})`,
      ].join('\n'),
    );
    assert.equal(
      failure({ env: REQUIRED, argv: ['--kafka.ssl=maybe'] }),
      'invalid configuration: kafka.ssl: expected boolean, received "maybe" (from flag --kafka.ssl)',
    );
  });

  it('rejects an unknown flag by name, and a flag naming a whole section', () => {
    assert.equal(
      failure({ env: REQUIRED, argv: ['--htpp.port=1', '--http', 'x'] }),
      [
        'invalid configuration: --htpp.port: unknown flag',
        'invalid configuration: --http: names a section, not a value; set its keys, e.g. --section.key=value',
      ].join('\n'),
    );
  });

  it('rejects an unknown key in the file instead of silently keeping the default', () => {
    const file = yamlFile('kafka:\n  clientId: one\n  brokres: [a]\n');
    assert.equal(failure({ file }), `invalid configuration: kafka.brokres: unknown key (from file ${file})`);
  });

  it('reports a config file that does not exist, naming where it was asked for', () => {
    assert.equal(
      failure({ env: { ...REQUIRED, ONE_CONFIG_FILE: '/nonexistent/one.yaml' } }),
      'invalid configuration: config file: /nonexistent/one.yaml does not exist (from env ONE_CONFIG_FILE)',
    );
  });

  it('reports unparseable YAML by position without quoting the file', () => {
    const file = yamlFile('kafka:\n  clientId: one\n clientSecret: hunter2-hunter2-hunter2\n');
    const message = failure({ file });
    assert.match(
      message,
      new RegExp(`^invalid configuration: config file: ${file} is not valid YAML: .+ at line 3`),
    );
    assert.doesNotMatch(message, /hunter2/);
  });

  it('never echoes a value whose key looks secret', () => {
    const message = failure({ env: { ...REQUIRED, ONE_OAUTH__CLIENT_SECRET: 'short-s3cr3t' } });
    assert.equal(
      message,
      'invalid configuration: oauth.clientSecret: too small: expected string to have >=16 characters, ' +
        'received <redacted> (from env ONE_OAUTH__CLIENT_SECRET)',
    );
  });

  it('hides the password of a connection URL under an ordinary key', () => {
    const message = failure({ env: { ...REQUIRED, ONE_KAFKA__SSL: 'postgresql://app:s3cr3t@db/one' } });
    assert.match(message, /received "postgresql:\/\/app:<redacted>@db\/one"/);
  });

  it('lists every problem at once', () => {
    const message = failure({ env: { ONE_HTTP__PORT: '0' }, argv: ['--nope=1'] });
    assert.deepEqual(
      message.split('\n').map((line) => line.split(': ')[1]),
      ['--nope', 'http.port', 'kafka.clientId'],
    );
  });
});

describe('configOrExit', () => {
  it('writes the message to stderr and exits with status 1', () => {
    const written: string[] = [];
    const exited = new Error('exited');
    let status: number | undefined;
    assert.throws(
      () =>
        configOrExit(
          { schema, envPrefix: 'ONE', env: {}, argv: [] },
          {
            stderr: { write: (text: string) => written.push(text) },
            exit: (code) => {
              status = code;
              throw exited;
            },
          },
        ),
      exited,
    );
    assert.equal(status, 1);
    assert.match(written.join(''), /^invalid configuration: kafka\.clientId: required/);
  });

  it('returns the configuration when it is valid', () => {
    const config = configOrExit({ schema, envPrefix: 'ONE', env: { ONE_KAFKA__CLIENT_ID: 'one' }, argv: [] });
    assert.equal(config.kafka.clientId, 'one');
  });
});
