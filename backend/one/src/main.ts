// Composition root of service one, in startup order: configuration → telemetry → (only then) the
// application's modules → service → run until SIGTERM/SIGINT, then stop and flush telemetry.
//
// Only configuration and @pkg/otel are imported statically. ESM instrumentation patches a module
// only if it is loaded after startTelemetry() (see @pkg/otel): a static import of the logger or the
// service would load winston, express, pg and kafkajs first, and their spans would silently vanish.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { configOrExit } from '@pkg/config';
import { startTelemetry } from '@pkg/otel';
import { configSchema } from './config.js';

const config = configOrExit({
  schema: configSchema,
  envPrefix: 'ONE',
  env: withSharedVariables(process.env),
  file: defaultConfigFile(process.env, process.argv),
});
const telemetry = startTelemetry({
  serviceName: 'one',
  serviceVersion: process.env.npm_package_version ?? '0.0.0',
  ...config.telemetry,
});

const [
  { createLogger, logProcessWarnings },
  { runUntilSignal },
  { isKafkajsNegativeTimeout },
  { startService },
] = await Promise.all([
  import('@pkg/logger'),
  import('@pkg/lifecycle'),
  import('@pkg/kafka'),
  import('./service.js'),
]);
const logger = createLogger({ service: 'one', level: config.log.level });
logProcessWarnings(logger, [isKafkajsNegativeTimeout]);

try {
  const service = await startService({ config, logger, metrics: telemetry.metrics });
  void runUntilSignal({
    stopSteps: [() => service.stop(), () => telemetry.shutdown()],
    timeoutMs: config.shutdown.timeoutMs,
    logger,
  });
} catch (error) {
  logger.error('service one failed to start', {
    error: error instanceof Error ? error.message : String(error),
  });
  await telemetry.shutdown().catch(() => undefined);
  process.exit(1);
}

/**
 * The Makefile and the other tools export plain ONE_DATABASE_URL, KAFKA_BROKERS and REDIS_URL;
 * @pkg/config's names for those keys are ONE_DATABASE__URL, ONE_KAFKA__BROKERS and ONE_REDIS__URL.
 * The specific names win.
 */
function withSharedVariables(env: NodeJS.ProcessEnv): Record<string, string | undefined> {
  return {
    ...env,
    ONE_DATABASE__URL: env.ONE_DATABASE__URL ?? env.ONE_DATABASE_URL,
    ONE_KAFKA__BROKERS: env.ONE_KAFKA__BROKERS ?? env.KAFKA_BROKERS,
    ONE_REDIS__URL: env.ONE_REDIS__URL ?? env.REDIS_URL,
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
