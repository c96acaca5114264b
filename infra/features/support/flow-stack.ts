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
  ScopedWireMock,
  startOtlpReceiver,
  uniqueId,
} from '@pkg/testkit';
import type { OtlpReceiver } from '@pkg/testkit';
import { MatchingAttributes } from 'wiremock-captain';
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
  wiremock: FlowWireMock;
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
  await stack.wiremock.deleteStubs();
  await stack.receiver.close();
}

async function startFlowStack(): Promise<FlowStack> {
  const env = serviceEnvironment();
  migrate('one', env);
  migrate('two', env);
  const receiver = await startOtlpReceiver();
  const wiremock = new FlowWireMock(env.WIREMOCK_URL!, `/${uniqueId('e2e')}`);
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
      // Token settings are production's: the token is cached, so a trace shows a token call only
      // when that handling fetched one (the trace scenario makes it: a 401 forces a fresh token).
    }),
  ]);
  return { receiver, one, two, wiremock };
}

export interface ThreeCall {
  headers: Record<string, string>;
  body: { id?: string; one_request?: { user_id?: string } };
}

/** WireMock under this run's path prefix: the token endpoint and /three, plus per-scenario answers. */
export class FlowWireMock extends ScopedWireMock {
  /** The run's defaults, below any scenario's stubs: a token for E2E_CREDENTIALS, /three accepting. */
  async stubDefaults(): Promise<void> {
    const json = { 'Content-Type': 'application/json' };
    const token = {
      access_token: E2E_CREDENTIALS.accessToken,
      token_type: 'Bearer',
      expires_in: 3600,
      scope: 'three',
    };
    await this.stub(
      { method: 'POST', endpoint: '/v2/oauth/token' },
      { status: 200, headers: json, body: token },
      { stubPriority: 5 },
    );
    await this.stub(
      { method: 'POST', endpoint: '/three' },
      { status: 200, headers: json, body: { status: 'accepted' } },
      { stubPriority: 5 },
    );
  }

  /** /three answers these statuses in turn (the last repeats) for requests of this user only. */
  async answerThreeFor(userId: string, statuses: number[]): Promise<void> {
    await this.stubSequence(
      { method: 'POST', endpoint: '/three', body: userId },
      statuses.map((status) => ({ status })),
      { requestBodyFeature: MatchingAttributes.Contains },
    );
  }

  /**
   * The token endpoint fails with these statuses in turn (the auth server restarting, throttling),
   * then issues the run's token again. Each failure answers with an error body, as OAuth servers do.
   */
  async failTokenRequests(statuses: number[]): Promise<void> {
    const json = { 'Content-Type': 'application/json' };
    await this.stubSequence({ method: 'POST', endpoint: '/v2/oauth/token' }, [
      ...statuses.map((status) => ({
        status,
        headers: json,
        body: { error: 'temporarily_unavailable', error_description: `status ${status}` },
      })),
      {
        status: 200,
        headers: json,
        body: { access_token: E2E_CREDENTIALS.accessToken, token_type: 'Bearer', expires_in: 3600 },
      },
    ]);
  }

  async tokenRequests(): Promise<number> {
    return (await this.requests('/v2/oauth/token')).length;
  }

  async threeCalls(): Promise<ThreeCall[]> {
    return (await this.requests('/three')).map(({ headers, body }) => ({
      headers,
      body: body as ThreeCall['body'],
    }));
  }
}
