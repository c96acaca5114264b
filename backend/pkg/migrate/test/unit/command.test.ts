import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseMigrationCommand } from '../../src/index.js';

describe('migrate command line', () => {
  it('applies with no arguments (what images and compose run) and with `up`', () => {
    assert.deepEqual(parseMigrationCommand([]), { kind: 'up' });
    assert.deepEqual(parseMigrationCommand(['up']), { kind: 'up' });
  });

  it('rolls back one step by default, or the steps given', () => {
    assert.deepEqual(parseMigrationCommand(['down']), { kind: 'down', steps: 1 });
    assert.deepEqual(parseMigrationCommand(['down', '3']), { kind: 'down', steps: 3 });
  });

  for (const args of [
    ['down', '0'],
    ['down', '-1'],
    ['down', '1.5'],
    ['down', 'all'],
    ['down', '1', '2'],
    ['up', '1'],
    ['sideways'],
  ]) {
    it(`refuses ${JSON.stringify(args)} with the usage`, () => {
      assert.throws(() => parseMigrationCommand(args), /usage: migrate \[up\] \| migrate down \[steps\]/);
    });
  }
});
