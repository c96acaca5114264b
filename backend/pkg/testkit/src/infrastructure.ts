// Where the component tests find PostgreSQL, Kafka, Redis and WireMock. Three answers, in order:
// 1. the environment (set by the Makefile in both infrastructure modes, or by the user);
// 2. testcontainers, when no endpoint is set and a Docker engine answers;
// 3. otherwise stop at once and say how to get the infrastructure.
export interface Infrastructure {
  /** PostgreSQL server URL without a database, e.g. postgresql://postgres:postgres@127.0.0.1:54329 */
  postgresUrl: string;
  kafkaBrokers: string[];
  redisUrl: string;
  wiremockUrl: string;
}

export const INFRASTRUCTURE_ENV = ['POSTGRES_URL', 'KAFKA_BROKERS', 'REDIS_URL', 'WIREMOCK_URL'] as const;

export type Env = Readonly<Record<string, string | undefined>>;

export type InfrastructureSource =
  | { kind: 'env'; infrastructure: Infrastructure }
  | { kind: 'testcontainers' }
  | { kind: 'missing'; message: string };

export const MISSING_INFRASTRUCTURE_MESSAGE =
  'No infrastructure for the component tests: set POSTGRES_URL, KAFKA_BROKERS, REDIS_URL and WIREMOCK_URL, ' +
  "or run 'make infra-up' (it starts them natively or with Docker and the Makefile sets the variables), " +
  "or run the tests through 'make test'.";

/** Decides where the infrastructure comes from; pure, so the choice is unit-tested. */
export function selectInfrastructure(env: Env, dockerAvailable: boolean): InfrastructureSource {
  const set = INFRASTRUCTURE_ENV.filter((key) => nonEmpty(env[key]));
  if (set.length === INFRASTRUCTURE_ENV.length) return { kind: 'env', infrastructure: fromEnv(env) };
  if (set.length > 0) {
    const missing = INFRASTRUCTURE_ENV.filter((key) => !nonEmpty(env[key]));
    return {
      kind: 'missing',
      message: `Partial infrastructure environment: ${missing.join(', ')} not set (${set.join(', ')} are). Set all of them or none.`,
    };
  }
  if (dockerAvailable) return { kind: 'testcontainers' };
  return { kind: 'missing', message: MISSING_INFRASTRUCTURE_MESSAGE };
}

/** The endpoints from the environment; throws the newcomer-friendly message when any is missing. */
export function infrastructureFromEnv(env: Env = process.env): Infrastructure {
  const source = selectInfrastructure(env, false);
  if (source.kind !== 'env') {
    throw new Error(source.kind === 'missing' ? source.message : MISSING_INFRASTRUCTURE_MESSAGE);
  }
  return source.infrastructure;
}

/** postgresql://user:pw@host:port + database → postgresql://user:pw@host:port/database */
export function databaseUrl(infrastructure: Pick<Infrastructure, 'postgresUrl'>, database: string): string {
  const url = new URL(infrastructure.postgresUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** The variables the Makefile would export, for handing the infrastructure to child processes. */
export function infrastructureEnv(infrastructure: Infrastructure): Record<string, string> {
  return {
    POSTGRES_URL: infrastructure.postgresUrl,
    DATABASE_URL: databaseUrl(infrastructure, 'reference'),
    ONE_DATABASE_URL: databaseUrl(infrastructure, 'one'),
    TWO_DATABASE_URL: databaseUrl(infrastructure, 'two'),
    KAFKA_BROKERS: infrastructure.kafkaBrokers.join(','),
    REDIS_URL: infrastructure.redisUrl,
    WIREMOCK_URL: infrastructure.wiremockUrl,
  };
}

function fromEnv(env: Env): Infrastructure {
  return {
    postgresUrl: stripTrailingSlash(env.POSTGRES_URL ?? ''),
    kafkaBrokers: (env.KAFKA_BROKERS ?? '')
      .split(',')
      .map((broker) => broker.trim())
      .filter(Boolean),
    redisUrl: env.REDIS_URL ?? '',
    wiremockUrl: stripTrailingSlash(env.WIREMOCK_URL ?? ''),
  };
}

function nonEmpty(value: string | undefined): value is string {
  return value !== undefined && value.trim() !== '';
}

function stripTrailingSlash(value: string): string {
  return value.replace(/\/+$/, '');
}
