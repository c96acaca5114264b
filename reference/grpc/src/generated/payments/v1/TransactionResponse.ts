// Original file: proto/payments/v1/payments.proto

import type { Long } from '@grpc/proto-loader';

export interface TransactionResponse {
  success?: boolean;
  transferred?: number | string | Long;
  errorMessage?: string;
}

export interface TransactionResponse__Output {
  success: boolean;
  transferred: string;
  errorMessage: string;
}
