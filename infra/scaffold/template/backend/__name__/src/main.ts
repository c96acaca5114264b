// Composition root of service __name__: configuration → telemetry → (only then) the modules that
// telemetry instruments → service → run until SIGTERM/SIGINT, then stop and flush telemetry.
// Only configuration and @pkg/otel are imported statically: ESM instrumentation patches a module
// only if it is loaded after startTelemetry() (see @pkg/otel).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { configOrExit } from '@pkg/config';
import { startTelemetry } from '@pkg/otel';
import { configSchema } from './config.js';

const config = configOrExit({
  schema: configSchema,
  envPrefix: '__PREFIX__',
  // KAFKA_BROKERS is what the Makefile, compose and the Kubernetes manifests set for every service.
  env: {
    ...process.env,
    __PREFIX___KAFKA__BROKERS: process.env.__PREFIX___KAFKA__BROKERS ?? process.env.KAFKA_BROKERS,
  },
  file: process.env.__PREFIX___CONFIG_FILE ? undefined : defaultConfigFile(),
});
const telemetry = startTelemetry({
  serviceName: '__name__',
  serviceVersion: process.env.npm_package_version ?? '0.0.0',
  ...config.telemetry,
});

const [{ createLogger }, { runUntilSignal }, { startService }] = await Promise.all([
  import('@pkg/logger'),
  import('@pkg/lifecycle'),
  import('./service.js'),
]);
const logger = createLogger({ service: '__name__', level: config.log.level });

try {
  const service = await startService(config, { logger, metrics: telemetry.metrics });
  void runUntilSignal({
    stopSteps: [() => service.stop(), () => telemetry.shutdown()],
    timeoutMs: config.shutdown.timeoutMs,
    logger,
  });
} catch (error) {
  logger.error('service __name__ failed to start', {
    error: error instanceof Error ? error.message : String(error),
  });
  await telemetry.shutdown().catch(() => undefined);
  process.exit(1);
}

/** config.yaml next to package.json: ../config.yaml from src/, ../../config.yaml from dist/src/. */
function defaultConfigFile(): string | undefined {
  return ['../config.yaml', '../../config.yaml']
    .map((relative) => fileURLToPath(new URL(relative, import.meta.url)))
    .find((path) => existsSync(path));
}
