import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toPrincipal } from '../../src/roles.js';

describe('toPrincipal', () => {
  it('maps roles from a roles array and a space-separated scope', () => {
    const principal = toPrincipal({ sub: 'alice', roles: ['payments:write'], scope: 'openid payments:read' });
    assert.deepEqual([...principal.roles].sort(), ['payments.reader', 'payments.writer']);
  });

  it('grants nothing for unknown values or claims of the wrong type', () => {
    assert.equal(toPrincipal({ sub: 'bob', roles: 'root', scope: 42 }).roles.size, 0);
  });

  it('uses the mapping it is given', () => {
    const principal = toPrincipal({ sub: 'c', roles: ['ops'] }, { ops: 'payments.admin' });
    assert.deepEqual([...principal.roles], ['payments.admin']);
  });
});
