// The benchmark's baseline: an Express route that parses and answers like POST /one but does no
// I/O, run as its own process exactly like the service, so the ratio isolates the cost of
// validation + PostgreSQL commit + outbox.
import express from 'express';

const app = express();
app.disable('x-powered-by');
app.post('/baseline', express.json({ limit: 64 * 1024 }), (_req, res) => {
  res.status(201).location('/one/1').json({ request_id: '1' });
});
const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`listening\n`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
