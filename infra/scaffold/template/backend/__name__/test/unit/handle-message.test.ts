import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { handleMessage } from '../../src/handle-message.js';

describe('handleMessage', () => {
  it('handles a JSON object with a string id', () => {
    assert.deepEqual(handleMessage(Buffer.from('{"id":"e-1","more":true}')), {
      outcome: 'handled',
      id: 'e-1',
    });
  });

  it('rejects what it cannot handle, saying why', () => {
    assert.deepEqual(handleMessage(null), { outcome: 'rejected', reason: 'empty message' });
    assert.deepEqual(handleMessage(Buffer.from('{')), { outcome: 'rejected', reason: 'not JSON' });
    assert.deepEqual(handleMessage(Buffer.from('null')), { outcome: 'rejected', reason: 'no string id' });
    assert.deepEqual(handleMessage(Buffer.from('{"id":7}')), { outcome: 'rejected', reason: 'no string id' });
  });
});
