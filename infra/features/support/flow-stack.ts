// The system under test of the end-to-end and observability features: an in-test OTLP receiver,
// then one and two as real processes exporting to it, against the real PostgreSQL, Kafka and
// WireMock. Started once per test run (two processes cost seconds each on a small machine) and
// shared by the scenarios, which each make their own requests (unique user ids).
//
// Isolation from whatever else uses the shared infrastructure: two talks to WireMock under a
// path prefix of this run (its own token and /three stubs), and both services use consumer group
// ids of this run, so another running copy of two never takes our messages' partitions from us.
import {
  databaseUrl,
  infrastructureEnv,
  infrastructureFromEnv,
  startOtlpReceiver,
  uniqueId,
} from '@pkg/testkit';
import type { OtlpReceiver } from '@pkg/testkit';
import {
  MatchingAttributes,
  WireMock,
  type IWireMockRequest,
  type IWireMockResponse,
} from 'wiremock-captain';
import { freePort, migrate, startServiceProcess, type ServiceProcess } from './service-process.js';

/** The credentials of this run; the observability feature proves none of them is ever exported or logged. */
export const E2E_CREDENTIALS = {
  clientId: 'e2e-client',
  clientSecret: 'e2e-client-secret-5f1c',
  accessToken: 'e2e-access-token-9a7d',
} as const;

export interface FlowStack {
  receiver: OtlpReceiver;
  one: ServiceProcess;
  two: ServiceProcess;
  wiremock: ScopedWireMock;
}

/** Short export delays, so what a scenario caused arrives at the receiver within its bounds. */
export const FAST_EXPORT_ENV = {
  OTEL_BSP_SCHEDULE_DELAY: '100',
  OTEL_BLRP_SCHEDULE_DELAY: '100',
  ONE_TELEMETRY__METRIC_EXPORT_INTERVAL_MS: '500',
  TWO_TELEMETRY__METRIC_EXPORT_INTERVAL_MS: '500',
};

/** The environment the Makefile gives the services, plus the migrations applied. */
export function serviceEnvironment(): NodeJS.ProcessEnv {
  const infrastructure = infrastructureFromEnv();
  const env = { ...process.env, ...infrastructureEnv(infrastructure) };
  env.ONE_DATABASE_URL = databaseUrl(infrastructure, 'one');
  env.TWO_DATABASE_URL = databaseUrl(infrastructure, 'two');
  return env;
}

let started: Promise<FlowStack> | undefined;

export function flowStack(): Promise<FlowStack> {
  started ??= startFlowStack();
  return started;
}

export async function stopFlowStack(): Promise<void> {
  if (!started) return;
  const stack = await started.catch(() => undefined);
  started = undefined;
  if (!stack) return;
  await Promise.all([stack.one.stop(), stack.two.stop()]);
  await stack.wiremock.reset();
  await stack.receiver.close();
}

async function startFlowStack(): Promise<FlowStack> {
  const env = serviceEnvironment();
  migrate('one', env);
  migrate('two', env);
  const receiver = await startOtlpReceiver();
  const wiremock = new ScopedWireMock(env.WIREMOCK_URL!, `/${uniqueId('e2e')}`);
  await wiremock.stubDefaults();
  const run = uniqueId('e2e');
  const telemetry = { ...FAST_EXPORT_ENV, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint };
  const [onePort, twoPort] = [await freePort(), await freePort()];
  const [one, two] = await Promise.all([
    startServiceProcess('one', onePort, {
      ...env,
      ...telemetry,
      ONE_HTTP__PORT: String(onePort),
      ONE_KAFKA__RESULTS_GROUP_ID: `${run}-one-results`,
    }),
    startServiceProcess('two', twoPort, {
      ...env,
      ...telemetry,
      TWO_HTTP__PORT: String(twoPort),
      TWO_KAFKA__GROUP_ID: `${run}-two`,
      TWO_AUTH__CLIENT_ID: E2E_CREDENTIALS.clientId,
      TWO_AUTH__CLIENT_SECRET: E2E_CREDENTIALS.clientSecret,
      TWO_AUTH__TOKEN_URL: wiremock.scopedUrl,
      TWO_THREE__URL: wiremock.scopedUrl,
      // Retries within a scenario's bounds.
      TWO_THREE__INITIAL_DELAY_MS: '50',
      // A token is refreshed whenever it is within this of expiry: with the token's whole lifetime,
      // every handling fetches one, so every trace shows the token call (in production the cache
      // makes token calls rare, and a trace shows one only when it happened).
      TWO_AUTH__REFRESH_AHEAD_MS: '3600000',
    }),
  ]);
  return { receiver, one, two, wiremock };
}

export interface ThreeCall {
  headers: Record<string, string>;
  body: { id?: string; one_request?: { user_id?: string } };
}

/** WireMock under this run's path prefix: the token endpoint and /three, plus per-scenario stubs. */
export class ScopedWireMock {
  readonly captain: WireMock;
  readonly #stubIds: string[] = [];
  #scenarios = 0;

  constructor(
    readonly baseUrl: string,
    readonly prefix: string,
  ) {
    this.captain = new WireMock(baseUrl);
  }

  get scopedUrl(): string {
    return `${this.baseUrl}${this.prefix}`;
  }

  async stubDefaults(): Promise<void> {
    await this.stub(
      { method: 'POST', endpoint: '/v2/oauth/token' },
      {
        status: 200,
        headers: { 'Content-Type': 'application/json' },
        body: {
          access_token: E2E_CREDENTIALS.accessToken,
          token_type: 'Bearer',
          expires_in: 3600,
          scope: 'three',
        },
      },
      5,
    );
    await this.stub(
      { method: 'POST', endpoint: '/three' },
      { status: 200, headers: { 'Content-Type': 'application/json' }, body: { status: 'accepted' } },
      5,
    );
  }

  /** /three answers these statuses in turn (the last repeats) for requests of this user only. */
  async answerThreeFor(userId: string, statuses: number[]): Promise<void> {
    this.#scenarios += 1;
    const scenarioName = `${this.prefix}-${this.#scenarios}`;
    for (const [index, status] of statuses.entries()) {
      const last = index === statuses.length - 1;
      await this.stub({ method: 'POST', endpoint: '/three', body: userId }, { status }, 1, {
        scenarioName,
        requiredScenarioState: index === 0 ? 'Started' : `call-${index}`,
        ...(last ? {} : { newScenarioState: `call-${index + 1}` }),
      });
    }
  }

  async threeCalls(): Promise<ThreeCall[]> {
    const all = (await this.captain.getRequestsForAPI('POST', `${this.prefix}/three`)) as {
      request: { headers: Record<string, string>; body: string };
    }[];
    return all.map(({ request }) => ({
      headers: Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), v])),
      body: JSON.parse(request.body) as ThreeCall['body'],
    }));
  }

  async reset(): Promise<void> {
    await Promise.all(this.#stubIds.map((id) => this.captain.deleteMapping(id).catch(() => undefined)));
    this.#stubIds.length = 0;
  }

  private async stub(
    request: IWireMockRequest,
    response: IWireMockResponse,
    stubPriority: number,
    scenario?: { scenarioName: string; requiredScenarioState: string; newScenarioState?: string },
  ): Promise<void> {
    const mapping = await this.captain.register(
      { ...request, endpoint: `${this.prefix}${request.endpoint}` },
      response,
      {
        stubPriority,
        ...(request.body === undefined ? {} : { requestBodyFeature: MatchingAttributes.Contains }),
        ...(scenario ? { scenario } : {}),
      },
    );
    this.#stubIds.push(mapping.id as string);
  }
}
