import { randomUUID } from 'node:crypto';
import { After, Before, setWorldConstructor, World } from '@cucumber/cucumber';
import { propagation } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { createPaymentsClient, type PaymentsClient } from '../../src/client.js';
import { createInMemoryLedger, type Ledger, TransientLedgerError } from '../../src/ledger.js';
import { createPaymentsServer, type PaymentsServer } from '../../src/server.js';

// The OTel SDK normally registers this; the tests register it so trace context crosses the wire.
propagation.setGlobalPropagator(new W3CTraceContextPropagator());

type LedgerBehaviour = 'normal' | 'fail-once' | 'hang';

/** Per-scenario state: its own server on a free port, ledger, client and recorded spans. */
export class PaymentsWorld extends World {
  server!: PaymentsServer;
  address = '';
  client!: PaymentsClient;
  spans = new InMemorySpanExporter();
  tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(this.spans)] }).getTracer(
    'test',
  );
  ledgerCalls = new Map<string, number>();
  ledgerBehaviour: LedgerBehaviour = 'normal';
  answers: string[] = [];
  lastTransactionId = randomUUID();

  /** Wraps the example ledger to count calls and to misbehave on demand. */
  ledger(): Ledger {
    const inner = createInMemoryLedger({ frozenAccounts: ['frozen-account'] });
    return {
      apply: async (transaction, signal) => {
        this.ledgerCalls.set(transaction.id, (this.ledgerCalls.get(transaction.id) ?? 0) + 1);
        if (this.ledgerBehaviour === 'fail-once') {
          this.ledgerBehaviour = 'normal';
          throw new TransientLedgerError('database failover');
        }
        if (this.ledgerBehaviour === 'hang') {
          await new Promise((_resolve, reject) =>
            signal.addEventListener('abort', () => reject(signal.reason)),
          );
        }
        return inner.apply(transaction, signal);
      },
    };
  }

  newClient(timeoutMs?: number): PaymentsClient {
    return createPaymentsClient(this.address, { tracer: this.tracer, ...(timeoutMs ? { timeoutMs } : {}) });
  }
}
setWorldConstructor(PaymentsWorld);

Before(async function (this: PaymentsWorld) {
  this.server = createPaymentsServer({ ledger: this.ledger(), reflection: true, tracer: this.tracer });
  const port = await this.server.listen('127.0.0.1', 0);
  this.address = `127.0.0.1:${port}`;
  this.client = this.newClient();
});

After(async function (this: PaymentsWorld) {
  this.client.close();
  await this.server.shutdown();
});
