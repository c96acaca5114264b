// Original file: proto/payments/v1/payments.proto

import type * as grpc from '@grpc/grpc-js';
import type { MethodDefinition } from '@grpc/proto-loader';
import type {
  TransactionRequest as _payments_v1_TransactionRequest,
  TransactionRequest__Output as _payments_v1_TransactionRequest__Output,
} from '../../payments/v1/TransactionRequest.js';
import type {
  TransactionResponse as _payments_v1_TransactionResponse,
  TransactionResponse__Output as _payments_v1_TransactionResponse__Output,
} from '../../payments/v1/TransactionResponse.js';

export interface PaymentsServiceClient extends grpc.Client {
  DoTransaction(
    argument: _payments_v1_TransactionRequest,
    metadata: grpc.Metadata,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_payments_v1_TransactionResponse__Output>,
  ): grpc.ClientUnaryCall;
  DoTransaction(
    argument: _payments_v1_TransactionRequest,
    metadata: grpc.Metadata,
    callback: grpc.requestCallback<_payments_v1_TransactionResponse__Output>,
  ): grpc.ClientUnaryCall;
  DoTransaction(
    argument: _payments_v1_TransactionRequest,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_payments_v1_TransactionResponse__Output>,
  ): grpc.ClientUnaryCall;
  DoTransaction(
    argument: _payments_v1_TransactionRequest,
    callback: grpc.requestCallback<_payments_v1_TransactionResponse__Output>,
  ): grpc.ClientUnaryCall;
  doTransaction(
    argument: _payments_v1_TransactionRequest,
    metadata: grpc.Metadata,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_payments_v1_TransactionResponse__Output>,
  ): grpc.ClientUnaryCall;
  doTransaction(
    argument: _payments_v1_TransactionRequest,
    metadata: grpc.Metadata,
    callback: grpc.requestCallback<_payments_v1_TransactionResponse__Output>,
  ): grpc.ClientUnaryCall;
  doTransaction(
    argument: _payments_v1_TransactionRequest,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_payments_v1_TransactionResponse__Output>,
  ): grpc.ClientUnaryCall;
  doTransaction(
    argument: _payments_v1_TransactionRequest,
    callback: grpc.requestCallback<_payments_v1_TransactionResponse__Output>,
  ): grpc.ClientUnaryCall;
}

export interface PaymentsServiceHandlers extends grpc.UntypedServiceImplementation {
  DoTransaction: grpc.handleUnaryCall<
    _payments_v1_TransactionRequest__Output,
    _payments_v1_TransactionResponse
  >;
}

export interface PaymentsServiceDefinition extends grpc.ServiceDefinition {
  DoTransaction: MethodDefinition<
    _payments_v1_TransactionRequest,
    _payments_v1_TransactionResponse,
    _payments_v1_TransactionRequest__Output,
    _payments_v1_TransactionResponse__Output
  >;
}
