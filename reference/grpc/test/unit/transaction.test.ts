import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createInMemoryLedger } from '../../src/ledger.js';
import { validateTransaction } from '../../src/transaction.js';

const request = { id: 't-1', sourceAccountId: 'a', targetAccountId: 'b', amount: '100', interest: '15' };

describe('validateTransaction', () => {
  it('transfers amount plus interest without losing int64 precision', () => {
    const result = validateTransaction({ ...request, amount: '9007199254740993', interest: '1' });
    assert.ok(result.ok);
    assert.equal(result.transaction.transferred, 9007199254740994n);
  });

  it('lists every problem of an invalid request in one message', () => {
    const result = validateTransaction({ ...request, id: '', amount: '0', interest: '-1' });
    assert.deepEqual(result, {
      ok: false,
      message: 'id is required; amount must be greater than 0; interest must not be negative',
    });
  });
});

describe('createInMemoryLedger', () => {
  it('answers a replayed id with the stored result', async () => {
    const ledger = createInMemoryLedger({ frozenAccounts: ['b'] });
    const validation = validateTransaction(request);
    assert.ok(validation.ok);
    const first = await ledger.apply(validation.transaction, new AbortController().signal);
    const replay = await ledger.apply(
      { ...validation.transaction, targetAccountId: 'c' },
      new AbortController().signal,
    );
    assert.deepEqual(replay, first);
  });
});
