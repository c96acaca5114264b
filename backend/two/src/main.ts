// Composition root of service two, in startup order: configuration → telemetry → (only then) the
// application's modules → startTwo() → run until SIGTERM/SIGINT, then stop and flush telemetry.
//
// Only configuration and @pkg/otel are imported statically. ESM instrumentation patches a module
// only if it is loaded after startTelemetry() (see @pkg/otel): a static import of the logger or the
// service would load winston, pg and undici first, and their spans would silently vanish.
import { existsSync } from 'node:fs';
import { configOrExit } from '@pkg/config';
import { startTelemetry } from '@pkg/otel';
import { twoConfigSchema } from './config.js';
import { packagePath } from './package-path.js';

const config = configOrExit({
  schema: twoConfigSchema,
  envPrefix: 'TWO',
  env: withSharedVariables(process.env),
});
const telemetry = startTelemetry({
  serviceName: 'two',
  serviceVersion: process.env.npm_package_version ?? '0.0.0',
  ...config.telemetry,
});

const [{ createLogger, logProcessWarnings }, { runUntilSignal }, { isKafkajsNegativeTimeout }, { startTwo }] =
  await Promise.all([
    import('@pkg/logger'),
    import('@pkg/lifecycle'),
    import('@pkg/kafka'),
    import('./service.js'),
  ]);
const logger = createLogger({ service: 'two', level: config.log.level });
logProcessWarnings(logger, [isKafkajsNegativeTimeout]);

try {
  const two = await startTwo(config, { logger, metrics: telemetry.metrics });
  void runUntilSignal({
    stopSteps: [() => two.stop(), () => telemetry.shutdown()],
    timeoutMs: config.shutdownTimeoutMs,
    logger,
  });
} catch (error) {
  logger.error('two could not start', { error: error instanceof Error ? error.message : String(error) });
  await telemetry.shutdown().catch(() => undefined);
  process.exit(1);
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
