// The sanity route: an Express route that parses JSON and answers like POST /one but does no I/O
// (only to see that the load generator is not the limit; not a target), run as its own process
// like the service (`node --import tsx baseline-server.ts <port>`).
import express from 'express';

const app = express();
app.disable('x-powered-by');
app.get('/readyz', (_req, res) => {
  res.sendStatus(200);
});
app.post('/baseline', express.json({ limit: 64 * 1024 }), (_req, res) => {
  res.status(201).location('/one/1').json({ request_id: '1' });
});
const server = app.listen(Number(process.argv[2] ?? 0), '127.0.0.1');
process.once('SIGTERM', () => server.close(() => process.exit(0)));
