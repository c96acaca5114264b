// The whole flow on private infrastructure: PostgreSQL + Kafka (own ports, own data dir), the
// migrations of both services, the stub of the auth server and third party, then one and two as
// real child processes configured through the same environment variables their READMEs document.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { startNodeProcess, type NodeProcess } from './node-process.js';
import { BENCH_DATA_DIR, BENCH_LOG_DIR, REPO_ROOT } from './paths.js';
import { privateInfrastructure, type PrivateInfrastructure } from './private-infrastructure.js';
import { startStubThirdParty, type StubThirdParty } from './stub-third-party.js';

const run = promisify(execFile);

/**
 * Ports of the private set-up; none of them is a default port of the shared infrastructure. Each
 * can be moved with an env variable (BENCH_<NAME>_PORT), so two checkouts can drill side by side.
 */
export const PORTS = {
  postgres: benchPort('POSTGRES', 54_339),
  kafka: benchPort('KAFKA', 19_092),
  one: benchPort('ONE', 18_199),
  two: benchPort('TWO', 18_182),
  stub: benchPort('STUB', 18_189),
  baseline: benchPort('BASELINE', 18_198),
  /** A second instance of one, for the drill with two instances behind one database. */
  oneSecond: benchPort('ONE_SECOND', 18_200),
  /** Redis, started only by the bench's jwt variant (one's rate limiter). */
  redis: benchPort('REDIS', 16_379),
  /** A second instance of two, for the drills that scale two out and in. */
  twoSecond: benchPort('TWO_SECOND', 18_201),
} as const;

/**
 * The node flags every way of starting a service passes (backend/Dockerfile's NODE_OPTIONS, the npm
 * scripts, infra/native/lib.sh; infra/test/unit/node-flags.test.ts keeps them equal).
 */
export const DEFAULT_SERVICE_NODE_FLAGS: readonly string[] = [
  '--max-semi-space-size=2',
  '--max-old-space-size=128',
];

function benchPort(name: string, fallback: number): number {
  return Number(process.env[`BENCH_${name}_PORT`] ?? fallback);
}

export interface SystemUnderTest {
  infra: PrivateInfrastructure;
  stub: StubThirdParty;
  one: NodeProcess;
  two: NodeProcess;
  oneUrl: string;
  twoUrl: string;
  /** Starts two again (after a kill or to change its settings), with extra TWO_* variables; TWO_HTTP__PORT starts another instance. */
  startTwo(extraEnv?: Record<string, string>): Promise<NodeProcess>;
  /** Starts one (again), with extra ONE_* variables; ONE_HTTP__PORT starts another instance. */
  startOne(extraEnv?: Record<string, string>): Promise<NodeProcess>;
}

export interface SystemOptions {
  log: (line: string) => void;
  /**
   * 'dist' (default): the `tsc -b` output run by plain node, as `npm start` and the Dockerfiles do;
   * 'tsx': the TypeScript sources through the tsx loader, as `make one-up` does in development.
   */
  build?: 'dist' | 'tsx';
  /**
   * true: both services export traces, metrics and logs over OTLP/HTTP to the stub (a sink that
   * answers 200), so the figures include the export cost; false (default): no OTLP export (spans
   * are still created by the instrumentation, /metrics still works).
   */
  otlp?: boolean;
  /** Extra node flags for one and two, e.g. heap limits (`--max-semi-space-size=4`). */
  serviceNodeFlags?: string[];
  /** Directory for --cpu-prof output of one and two; no profiling when absent. */
  cpuProfileDir?: string;
  twoEnv?: Record<string, string>;
  /** Extra ONE_* variables for every start of one. */
  oneEnv?: Record<string, string>;
  /**
   * Start the private Redis with PostgreSQL and Kafka and give one its URL (`ONE_REDIS__URL`):
   * one's rate limiter (issue 14) keeps its counters there; a build without it ignores the key.
   */
  redis?: boolean;
  /** Start from empty tables and topics (the bench: counts must see only this run's requests). */
  fresh?: boolean;
}

/**
 * Brings everything up and hands it to `use`; whatever happens (a failed step, an exception in
 * `use`, Ctrl-C), every process and server it started is stopped before it returns.
 */
export async function withSystemUnderTest<T>(
  options: SystemOptions,
  use: (system: SystemUnderTest) => Promise<T>,
): Promise<T> {
  const { log } = options;
  const infra = privateInfrastructure({
    dataDir: BENCH_DATA_DIR,
    postgresPort: PORTS.postgres,
    kafkaPort: PORTS.kafka,
    redisPort: PORTS.redis,
    log,
  });
  const processes = new Set<NodeProcess>();
  const track = (started: NodeProcess) => (processes.add(started), started);
  const cleanUp = async () => {
    await Promise.allSettled([...processes].map((started) => started.stop()));
    await infra
      .stopAll()
      .catch((error: unknown) => log(`could not stop the private infrastructure: ${String(error)}`));
  };
  const onSignal = (signal: NodeJS.Signals) => {
    log(`${signal}: stopping everything the harness started`);
    void cleanUp().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    if (options.fresh) await infra.emptyKafka();
    await Promise.all([
      infra.startPostgres(),
      infra.startKafka(),
      ...(options.redis ? [infra.startRedis()] : []),
    ]);
    const build = options.build ?? 'dist';
    await prepareServices(infra, build, log);
    if (options.fresh) await infra.emptyDatabases();
    const stub = await startStubThirdParty({ port: PORTS.stub, logFile: `${BENCH_LOG_DIR}/stub.log` });
    track(stub.process);
    const telemetryEnv = (prefix: 'ONE' | 'TWO') => ({
      [`${prefix}_TELEMETRY__OTLP_ENABLED`]: String(options.otlp === true),
      ...(options.otlp ? { OTEL_EXPORTER_OTLP_ENDPOINT: stub.url } : {}),
    });
    // One directory per service: the tsx loader thread writes a profile of its own next to the main thread's.
    const profile = (name: string) => [
      ...(options.serviceNodeFlags ?? DEFAULT_SERVICE_NODE_FLAGS),
      ...(options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}/${name}`] : []),
    ];
    // ONE_HTTP__PORT in extraEnv starts another instance beside the first (its own log file).
    const startOne = async (extraEnv: Record<string, string> = {}) => {
      const port = Number(extraEnv.ONE_HTTP__PORT ?? PORTS.one);
      return track(
        await startNodeProcess({
          name: port === PORTS.one ? 'one' : `one-${port}`,
          ...entryPoint(build),
          cwd: `${REPO_ROOT}backend/one`,
          nodeFlags: profile('one'),
          env: {
            ONE_DATABASE_URL: infra.databaseUrl('one'),
            KAFKA_BROKERS: infra.kafkaBrokers,
            ONE_HTTP__PORT: String(port),
            ...telemetryEnv('ONE'),
            ...(options.redis ? { ONE_REDIS__URL: infra.redisUrl } : {}),
            ...options.oneEnv,
            ...extraEnv,
          },
          logFile: `${BENCH_LOG_DIR}/${port === PORTS.one ? 'one' : `one-${port}`}.log`,
          readyUrl: `http://127.0.0.1:${port}/readyz`,
        }),
      );
    };
    const startTwo = async (extraEnv: Record<string, string> = {}) => {
      const port = Number(extraEnv.TWO_HTTP__PORT ?? PORTS.two);
      const name = port === PORTS.two ? 'two' : `two-${port}`;
      return track(
        await startNodeProcess({
          name,
          ...entryPoint(build),
          cwd: `${REPO_ROOT}backend/two`,
          nodeFlags: profile('two'),
          env: {
            TWO_DATABASE_URL: infra.databaseUrl('two'),
            KAFKA_BROKERS: infra.kafkaBrokers,
            WIREMOCK_URL: stub.url,
            TWO_AUTH__CLIENT_SECRET: 'bench-secret',
            TWO_HTTP__PORT: String(port),
            ...telemetryEnv('TWO'),
            ...options.twoEnv,
            ...extraEnv,
          },
          logFile: `${BENCH_LOG_DIR}/${name}.log`,
          readyUrl: `http://127.0.0.1:${port}/readyz`,
          readyTimeoutMs: 90_000,
        }),
      );
    };
    const [one, two] = await Promise.all([startOne(), startTwo()]);
    log(`one pid ${one.pid}, two pid ${two.pid}, stub pid ${stub.process.pid}; logs in ${BENCH_LOG_DIR}`);
    return await use({
      infra,
      stub,
      one,
      two,
      oneUrl: `http://127.0.0.1:${PORTS.one}`,
      twoUrl: `http://127.0.0.1:${PORTS.two}`,
      startOne,
      startTwo,
    });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await cleanUp();
  }
}

/** What node runs for a service, relative to its folder. */
function entryPoint(build: 'dist' | 'tsx') {
  return build === 'dist'
    ? { script: 'dist/src/main.js', loader: 'none' as const }
    : { script: 'src/main.ts', loader: 'tsx' as const };
}

/**
 * Prisma clients (offline generate) when missing, the compiled build when measuring it (`tsc -b` is
 * incremental: a no-op when nothing changed), then each service's own offline migrations.
 */
async function prepareServices(
  infra: PrivateInfrastructure,
  build: 'dist' | 'tsx',
  log: (line: string) => void,
) {
  for (const service of ['one', 'two'] as const) {
    const workspace = `@services/${service}`;
    if (!existsSync(`${REPO_ROOT}backend/${service}/src/generated/prisma/client.ts`))
      await run('npm', ['run', '--silent', 'generate', '-w', workspace], { cwd: REPO_ROOT });
  }
  if (build === 'dist') {
    log('building one and two (tsc -b)');
    // tsc still emits when a type error sits elsewhere in the project (tests or features another
    // engineer is editing); say so loudly and measure what it emitted, rather than not measuring.
    await run('npx', ['tsc', '-b', 'backend/one', 'backend/two'], { cwd: REPO_ROOT }).catch(
      (error: { stdout?: string }) => {
        log(`WARNING: tsc -b reported errors; measuring what it emitted:\n${error.stdout ?? String(error)}`);
      },
    );
    for (const service of ['one', 'two'])
      if (!existsSync(`${REPO_ROOT}backend/${service}/dist/src/main.js`))
        throw new Error(`backend/${service}/dist/src/main.js was not built`);
  }
  for (const service of ['one', 'two'] as const) {
    const workspace = `@services/${service}`;
    const { stdout } = await run('npm', ['run', '--silent', 'migrate', '-w', workspace], {
      cwd: REPO_ROOT,
      env: { ...process.env, [`${service.toUpperCase()}_DATABASE_URL`]: infra.databaseUrl(service) },
    });
    log(stdout.trim().split('\n').at(-1) ?? `${service} migrated`);
  }
}
