// Composition root of service one: configuration → logger → metrics → service → signals.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { configOrExit } from '@pkg/config';
import { createLogger } from '@pkg/logger';
import { createMetrics } from '@pkg/otel';
import { configSchema } from './config.js';
import { startService } from './service.js';

const config = configOrExit({
  schema: configSchema,
  envPrefix: 'ONE',
  env: withSharedVariables(process.env),
  file: defaultConfigFile(process.env, process.argv),
});
const logger = createLogger({ service: 'one', level: config.log.level });
const metrics = createMetrics({ serviceName: 'one', serviceVersion: process.env.npm_package_version });

let service: Awaited<ReturnType<typeof startService>>;
try {
  service = await startService({ config, logger, metrics });
} catch (error) {
  logger.error('service one failed to start', {
    error: error instanceof Error ? error.message : String(error),
  });
  process.exit(1);
}

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal, bound_ms: config.shutdown.timeoutMs });
    const deadline = setTimeout(() => {
      logger.error('shutdown exceeded its bound; exiting anyway', { bound_ms: config.shutdown.timeoutMs });
      process.exit(1);
    }, config.shutdown.timeoutMs);
    deadline.unref();
    service
      .stop()
      .then(() => metrics.shutdown())
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        logger.error('shutdown failed', { error: error instanceof Error ? error.message : String(error) });
        process.exit(1);
      });
  });
}

/**
 * The Makefile and the other tools export plain ONE_DATABASE_URL and KAFKA_BROKERS; @pkg/config's
 * names for those keys are ONE_DATABASE__URL and ONE_KAFKA__BROKERS. The specific names win.
 */
function withSharedVariables(env: NodeJS.ProcessEnv): Record<string, string | undefined> {
  return {
    ...env,
    ONE_DATABASE__URL: env.ONE_DATABASE__URL ?? env.ONE_DATABASE_URL,
    ONE_KAFKA__BROKERS: env.ONE_KAFKA__BROKERS ?? env.KAFKA_BROKERS,
  };
}

/** backend/one/config.yaml unless --config or ONE_CONFIG_FILE names another file. */
function defaultConfigFile(env: NodeJS.ProcessEnv, argv: string[]): string | undefined {
  if (env.ONE_CONFIG_FILE || argv.some((arg) => arg === '--config' || arg.startsWith('--config=')))
    return undefined;
  // ../config.yaml from src/, ../../config.yaml from dist/src/.
  return ['../config.yaml', '../../config.yaml']
    .map((relative) => fileURLToPath(new URL(relative, import.meta.url)))
    .find((path) => existsSync(path));
}
