// Composition root of service two: configuration, logger, metrics, then startTwo(); SIGTERM and
// SIGINT stop it gracefully within `shutdownTimeoutMs`.
import { existsSync } from 'node:fs';
import { configOrExit } from '@pkg/config';
import { createLogger } from '@pkg/logger';
import { createMetrics } from '@pkg/otel';
import { twoConfigSchema } from './config.js';
import { packagePath } from './package-path.js';
import { startTwo } from './service.js';

const config = configOrExit({
  schema: twoConfigSchema,
  envPrefix: 'TWO',
  env: withSharedVariables(process.env),
});
const logger = createLogger({ service: 'two', level: config.log.level });
const metrics = createMetrics({ serviceName: 'two' });

let two: Awaited<ReturnType<typeof startTwo>>;
try {
  two = await startTwo(config, { logger, metrics });
} catch (error) {
  logger.error('two could not start', { error: (error as Error).message });
  process.exit(1);
}

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping', { signal });
    const bound = setTimeout(() => {
      logger.error('graceful stop took too long; exiting', { timeout_ms: config.shutdownTimeoutMs });
      process.exit(1);
    }, config.shutdownTimeoutMs);
    bound.unref();
    void two
      .stop()
      .then(() => metrics.shutdown())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error('error while stopping', { error: (error as Error).message });
          process.exit(1);
        },
      );
  });
}

/**
 * The variables the Makefile exports for every service (KAFKA_BROKERS, WIREMOCK_URL) fill in two's
 * own keys unless those are set; TWO_DATABASE_URL already is one (`databaseUrl`). config.yaml next
 * to package.json is read unless TWO_CONFIG_FILE or --config names another file.
 */
function withSharedVariables(env: NodeJS.ProcessEnv): Record<string, string | undefined> {
  const defaultFile = packagePath('config.yaml');
  return {
    ...env,
    TWO_CONFIG_FILE: env.TWO_CONFIG_FILE ?? (existsSync(defaultFile) ? defaultFile : undefined),
    TWO_KAFKA__BROKERS: env.TWO_KAFKA__BROKERS ?? env.KAFKA_BROKERS,
    TWO_AUTH__TOKEN_URL: env.TWO_AUTH__TOKEN_URL ?? env.WIREMOCK_URL,
    TWO_THREE__URL: env.TWO_THREE__URL ?? env.WIREMOCK_URL,
  };
}
