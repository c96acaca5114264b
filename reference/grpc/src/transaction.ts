import type { TransactionRequest__Output } from './generated/payments/v1/TransactionRequest.js';

export interface Transaction {
  id: string;
  sourceAccountId: string;
  targetAccountId: string;
  /** Minor units (cents). BigInt because int64 does not fit a JS number. */
  amount: bigint;
  interest: bigint;
  transferred: bigint;
}

export type Validation = { ok: true; transaction: Transaction } | { ok: false; message: string };

/** Checks a request before anything is touched; failures become INVALID_ARGUMENT. */
export function validateTransaction(request: TransactionRequest__Output): Validation {
  const problems: string[] = [];
  if (request.id.trim() === '') problems.push('id is required');
  if (request.sourceAccountId.trim() === '') problems.push('source_account_id is required');
  if (request.targetAccountId.trim() === '') problems.push('target_account_id is required');
  if (request.sourceAccountId !== '' && request.sourceAccountId === request.targetAccountId) {
    problems.push('source_account_id and target_account_id must differ');
  }
  // The loader hands int64 over as decimal strings (longs: String), so no precision is lost.
  const amount = BigInt(request.amount);
  const interest = BigInt(request.interest);
  if (amount <= 0n) problems.push('amount must be greater than 0');
  if (interest < 0n) problems.push('interest must not be negative');
  if (problems.length > 0) return { ok: false, message: problems.join('; ') };
  return {
    ok: true,
    transaction: {
      id: request.id,
      sourceAccountId: request.sourceAccountId,
      targetAccountId: request.targetAccountId,
      amount,
      interest,
      transferred: amount + interest,
    },
  };
}
