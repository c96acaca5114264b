import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config.js';

describe('loadConfig', () => {
  it('fills defaults around the one required key', () => {
    const config = loadConfig({ DATABASE_URL: 'postgresql://db/one' });
    assert.equal(config.retentionDays, 30);
    assert.deepEqual(config.finalStatuses, ['completed', 'failed']);
    assert.equal(config.archiveTable, 'retention_requests_archive');
    assert.ok(Object.isFrozen(config));
  });

  it('refuses to start, naming the key, when a value is bad', () => {
    assert.throws(() => loadConfig({}), /DATABASE_URL/);
    assert.throws(() => loadConfig({ DATABASE_URL: 'x', RETENTION_DAYS: '0' }), /RETENTION_DAYS/);
    assert.throws(() => loadConfig({ DATABASE_URL: 'x', RETENTION_MODE: 'truncate' }), /RETENTION_MODE/);
  });
});
