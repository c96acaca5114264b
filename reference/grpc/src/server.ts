import * as grpc from '@grpc/grpc-js';
import { ReflectionService } from '@grpc/reflection';
import { context, propagation, SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import * as protoLoader from '@grpc/proto-loader';
import { HealthImplementation, protoPath as healthProtoPath } from 'grpc-health-check';
import type { PaymentsServiceHandlers } from './generated/payments/v1/PaymentsService.js';
import { type Ledger, TransientLedgerError } from './ledger.js';
import { loadPaymentsProto, SERVICE_NAME } from './proto.js';
import { metadataGetter, RPC_ATTRIBUTES } from './tracing.js';
import { validateTransaction } from './transaction.js';

export interface PaymentsServerOptions {
  ledger: Ledger;
  /** Server reflection lets grpcurl/Postman discover the API: handy in development, an information leak in production. */
  reflection: boolean;
  tracer?: Tracer;
  onError?: (error: unknown) => void;
}

export interface PaymentsServer {
  /** Binds and starts; pass port 0 for a free port. Resolves to the bound port. */
  listen(host: string, port: number, credentials?: grpc.ServerCredentials): Promise<number>;
  /** Marks the service NOT_SERVING (load balancers drain), lets calls finish, then stops. */
  shutdown(): Promise<void>;
}

export function createPaymentsServer(options: PaymentsServerOptions): PaymentsServer {
  const { packageDefinition, proto } = loadPaymentsProto();
  const tracer = options.tracer ?? trace.getTracer('@reference/grpc');
  const server = new grpc.Server();
  const health = new HealthImplementation({ '': 'NOT_SERVING', [SERVICE_NAME]: 'NOT_SERVING' });

  const handlers: PaymentsServiceHandlers = {
    DoTransaction: (call, callback) => {
      // Continue the caller's trace: the parent comes from the traceparent metadata entry.
      const parent = propagation.extract(context.active(), call.metadata, metadataGetter);
      const span = tracer.startSpan(
        `${SERVICE_NAME}/DoTransaction`,
        { kind: SpanKind.SERVER, attributes: { ...RPC_ATTRIBUTES, 'rpc.method': 'DoTransaction' } },
        parent,
      );
      const endSpan = (code: grpc.status) => {
        span.setAttribute('rpc.grpc.status_code', code);
        if (code !== grpc.status.OK)
          span.setStatus({ code: SpanStatusCode.ERROR, message: grpc.status[code] });
        span.end();
      };
      const fail = (code: grpc.status, details: string) => {
        endSpan(code);
        callback({ code, details });
      };

      const validation = validateTransaction(call.request);
      if (!validation.ok) {
        return fail(grpc.status.INVALID_ARGUMENT, validation.message);
      }
      const { transaction } = validation;
      span.setAttribute('payments.transaction_id', transaction.id);

      // The client's deadline (or cancel) aborts the work: nobody is waiting for the answer anymore.
      const abort = new AbortController();
      call.on('cancelled', () => abort.abort());
      options.ledger.apply(transaction, abort.signal).then(
        (result) => {
          endSpan(grpc.status.OK);
          callback(null, {
            success: result.applied,
            transferred: result.applied ? transaction.transferred.toString() : '0',
            errorMessage: result.applied ? '' : result.reason,
          });
        },
        (error: unknown) => {
          span.recordException(error instanceof Error ? error : String(error));
          options.onError?.(error);
          // Transient failures are retried by the client's retry policy; details never leak internals.
          const code = error instanceof TransientLedgerError ? grpc.status.UNAVAILABLE : grpc.status.INTERNAL;
          fail(code, code === grpc.status.UNAVAILABLE ? 'try again' : 'internal error');
        },
      );
    },
  };

  server.addService(proto.payments.v1.PaymentsService.service, handlers);
  health.addToServer(server);
  if (options.reflection) {
    // Describe the health service too, so `grpcurl describe grpc.health.v1.Health` works.
    const healthDefinition = protoLoader.loadSync(healthProtoPath);
    new ReflectionService({ ...packageDefinition, ...healthDefinition }).addToServer(server);
  }

  return {
    listen: (host, port, credentials = grpc.ServerCredentials.createInsecure()) =>
      new Promise((resolve, reject) => {
        server.bindAsync(`${host}:${port}`, credentials, (error, boundPort) => {
          if (error) return reject(error);
          health.setStatus('', 'SERVING');
          health.setStatus(SERVICE_NAME, 'SERVING');
          resolve(boundPort);
        });
      }),
    shutdown: () =>
      new Promise((resolve) => {
        health.setStatus('', 'NOT_SERVING');
        health.setStatus(SERVICE_NAME, 'NOT_SERVING');
        server.tryShutdown(() => resolve());
      }),
  };
}
