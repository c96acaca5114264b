import { createInMemoryLedger } from './ledger.js';
import { createPaymentsServer } from './server.js';

// Reflection only in development: NODE_ENV=production turns it off.
const reflection = process.env['NODE_ENV'] !== 'production';
const host = process.env['GRPC_HOST'] ?? '127.0.0.1';
const port = Number(process.env['GRPC_PORT'] ?? '50051');
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  throw new Error(
    `Invalid configuration: GRPC_PORT must be a port number, got "${process.env['GRPC_PORT']}"`,
  );
}

const server = createPaymentsServer({
  ledger: createInMemoryLedger({ frozenAccounts: ['frozen-account'] }),
  reflection,
  onError: (error) => console.error('DoTransaction failed', error),
});
const boundPort = await server.listen(host, port);
console.log(`PaymentsService on ${host}:${boundPort} (reflection ${reflection ? 'on' : 'off'})`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void server.shutdown().then(() => process.exit(0)));
}
