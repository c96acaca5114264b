// Original file: proto/payments/v1/payments.proto

import type { Long } from '@grpc/proto-loader';

export interface TransactionRequest {
  id?: string;
  sourceAccountId?: string;
  targetAccountId?: string;
  amount?: number | string | Long;
  interest?: number | string | Long;
}

export interface TransactionRequest__Output {
  id: string;
  sourceAccountId: string;
  targetAccountId: string;
  amount: string;
  interest: string;
}
