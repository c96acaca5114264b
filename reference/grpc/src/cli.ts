import { randomUUID } from 'node:crypto';
import { createPaymentsClient } from './client.js';

// Usage: npm run client -w reference/grpc -- <amount> <interest> [address]
const [amount = '100', interest = '15', address = '127.0.0.1:50051'] = process.argv.slice(2);
const client = createPaymentsClient(address, { timeoutMs: 3_000 });
try {
  const response = await client.doTransaction({
    id: randomUUID(),
    sourceAccountId: 'acc-source',
    targetAccountId: 'acc-target',
    amount,
    interest,
  });
  console.log(response);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  client.close();
}
