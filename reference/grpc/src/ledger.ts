import type { Transaction } from './transaction.js';

export type LedgerResult = { applied: true } | { applied: false; reason: string };

/** Where money actually moves. It must be idempotent per transaction id: clients retry. */
export interface Ledger {
  apply(transaction: Transaction, signal: AbortSignal): Promise<LedgerResult>;
}

/** Thrown by a ledger when a retry may succeed (database failover, lock timeout): maps to UNAVAILABLE. */
export class TransientLedgerError extends Error {
  override name = 'TransientLedgerError';
}

/**
 * An in-memory ledger for the example and the tests. A real one is a database transaction that
 * debits, credits and stores the id under a unique constraint, returning the stored result on replay.
 */
export function createInMemoryLedger(options: { frozenAccounts?: readonly string[] } = {}): Ledger {
  const frozen = new Set(options.frozenAccounts ?? []);
  const results = new Map<string, LedgerResult>();
  return {
    async apply(transaction, signal) {
      signal.throwIfAborted();
      const previous = results.get(transaction.id);
      if (previous !== undefined) return previous;
      const frozenAccount = [transaction.sourceAccountId, transaction.targetAccountId].find((a) =>
        frozen.has(a),
      );
      const result: LedgerResult =
        frozenAccount === undefined
          ? { applied: true }
          : { applied: false, reason: `account ${frozenAccount} is frozen` };
      results.set(transaction.id, result);
      return result;
    },
  };
}
