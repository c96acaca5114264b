import express, { type Express } from 'express';
import { authenticate, requireRole } from './middleware.js';
import type { RoleMapping } from './roles.js';
import type { TokenVerifier } from './verifier.js';

export interface AppDependencies {
  verifyToken: TokenVerifier;
  roleMapping?: RoleMapping;
}

/** A tiny API showing the wiring: authenticate the router once, then check a role per route. */
export function createApp({ verifyToken, roleMapping }: AppDependencies): Express {
  const app = express();
  app.disable('x-powered-by');
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  const api = express.Router();
  api.use(authenticate(verifyToken, roleMapping));
  api.get('/me', (_req, res) => {
    const principal = res.locals.principal;
    res.json({ subject: principal?.subject, roles: [...(principal?.roles ?? [])] });
  });
  api.get('/payments', requireRole('payments.reader', 'payments.admin'), (_req, res) => {
    res.json({ payments: [] });
  });
  api.post('/payments', requireRole('payments.writer', 'payments.admin'), (_req, res) => {
    res.status(202).json({ accepted: true });
  });
  app.use('/api', api);
  return app;
}
