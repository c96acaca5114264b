import * as grpc from '@grpc/grpc-js';
import { context, propagation, SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import type { TransactionRequest } from './generated/payments/v1/TransactionRequest.js';
import type { TransactionResponse__Output } from './generated/payments/v1/TransactionResponse.js';
import { loadPaymentsProto, SERVICE_NAME } from './proto.js';
import { metadataSetter, RPC_ATTRIBUTES } from './tracing.js';

export interface PaymentsClientOptions {
  /** Use grpc.credentials.createSsl(...) outside a trusted network. */
  credentials?: grpc.ChannelCredentials;
  /** Per-call deadline; every call has one, so a hung server never hangs the caller. */
  timeoutMs?: number;
  tracer?: Tracer;
}

export interface PaymentsClient {
  doTransaction(
    request: TransactionRequest,
    options?: { timeoutMs?: number },
  ): Promise<TransactionResponse__Output>;
  close(): void;
}

/**
 * Retries live in the service config, not in a loop around the call: grpc-js then retries only
 * what is safe (UNAVAILABLE: the call did not run or the server asked for it), with exponential
 * backoff, and respects the overall deadline. Safe here because DoTransaction is idempotent per id.
 */
export const SERVICE_CONFIG = {
  methodConfig: [
    {
      name: [{ service: SERVICE_NAME }],
      retryPolicy: {
        maxAttempts: 4,
        initialBackoff: '0.1s',
        maxBackoff: '2s',
        backoffMultiplier: 2,
        retryableStatusCodes: ['UNAVAILABLE'],
      },
    },
  ],
};

export function createPaymentsClient(address: string, options: PaymentsClientOptions = {}): PaymentsClient {
  const { proto } = loadPaymentsProto();
  const tracer = options.tracer ?? trace.getTracer('@reference/grpc');
  const client = new proto.payments.v1.PaymentsService(
    address,
    options.credentials ?? grpc.credentials.createInsecure(),
    { 'grpc.service_config': JSON.stringify(SERVICE_CONFIG), 'grpc.enable_retries': 1 },
  );

  return {
    doTransaction(request, { timeoutMs = options.timeoutMs ?? 5_000 } = {}) {
      const span = tracer.startSpan(`${SERVICE_NAME}/DoTransaction`, {
        kind: SpanKind.CLIENT,
        attributes: { ...RPC_ATTRIBUTES, 'rpc.method': 'DoTransaction' },
      });
      const metadata = new grpc.Metadata();
      propagation.inject(trace.setSpan(context.active(), span), metadata, metadataSetter);
      return new Promise((resolve, reject) => {
        client.doTransaction(request, metadata, { deadline: Date.now() + timeoutMs }, (error, response) => {
          const code = error?.code ?? grpc.status.OK;
          span.setAttribute('rpc.grpc.status_code', code);
          if (error) span.setStatus({ code: SpanStatusCode.ERROR, message: grpc.status[code] });
          span.end();
          if (error || response === undefined) reject(error ?? new Error('empty response'));
          else resolve(response);
        });
      });
    },
    close: () => client.close(),
  };
}
