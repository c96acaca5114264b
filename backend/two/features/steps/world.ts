import { type ChildProcess } from 'node:child_process';
import { Writable } from 'node:stream';
import { setWorldConstructor, World, type IWorldOptions } from '@cucumber/cucumber';
import { createKafka, type Kafka, type Producer } from '@pkg/kafka';
import { createLogger, type Logger } from '@pkg/logger';
import { createMetrics } from '@pkg/otel';
import {
  databaseUrl,
  infrastructureFromEnv,
  ScopedWireMock,
  uniqueId,
  type Infrastructure,
} from '@pkg/testkit';
import { twoConfig, type TwoConfig } from '../../src/config.js';
import { startTwo, type RunningTwo } from '../../src/service.js';
import type { Collector, ScenarioTopics } from './kafka-fixture.js';

/** Settings a Given step may change before two starts. */
export interface ScenarioSettings {
  refreshAheadMs: number;
  maxAttempts: number;
  maxPublishBatchBytes?: number;
  /** Bound of one third-party call's connect and answer (a slow third party needs a longer one). */
  threeTimeoutMs?: number;
}

export class TwoWorld extends World {
  readonly infra: Infrastructure = infrastructureFromEnv();
  readonly scope = uniqueId('two');
  readonly wiremock = new ScopedWireMock(this.infra.wiremockUrl, `/${this.scope}`);
  topics: ScenarioTopics = {
    requests: `${this.scope}.one-request`,
    results: `${this.scope}.three-result`,
    deadLetters: `${this.scope}.one-request.dlq`,
  };
  readonly logLines: string[] = [];
  readonly logger: Logger = createLogger({
    service: 'two',
    level: 'info',
    stream: new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        this.logLines.push(chunk.toString('utf8'));
        done();
      },
    }),
  });
  readonly kafka: Kafka = createKafka({
    brokers: this.infra.kafkaBrokers,
    clientId: this.scope,
    logger: this.logger,
  });
  settings: ScenarioSettings = { refreshAheadMs: 1_000, maxAttempts: 3 };
  producer?: Producer;
  collector?: Collector;
  /** Every collector started, so the After hook stops them all. */
  readonly collectors: Collector[] = [];
  /** Topics created during the scenario, besides `topics`, deleted with them. */
  readonly extraTopics: string[] = [];
  two?: RunningTwo;
  /** More in-process instances (scaled out, or another consumer group), stopped by the After hook. */
  readonly moreTwos: RunningTwo[] = [];
  child?: ChildProcess;
  exit?: Promise<[number | null, string | null]>;
  malformedKey?: string;
  replayOutput?: string;
  /** Request ids of this scenario, in the order they were published. */
  readonly requestIds: string[] = [];

  constructor(options: IWorldOptions) {
    super(options);
  }

  /** two for this scenario: its own topics, consumer group and WireMock prefix, small backoffs. */
  config(groupId = `${this.scope}-two`): TwoConfig {
    const threeTimeoutMs = this.settings.threeTimeoutMs ?? 2_000;
    return twoConfig({
      http: { host: '127.0.0.1', port: 0 },
      log: { level: 'info' },
      databaseUrl: databaseUrl(this.infra, 'two'),
      databasePoolSize: 3,
      kafka: {
        brokers: this.infra.kafkaBrokers,
        clientId: `${this.scope}-two`,
        groupId,
        // fromBeginning is left at its default (true): first-start.feature relies on it.
        topics: this.topics,
        // The broker's minimum: a killed two's partitions move on quickly.
        sessionTimeoutMs: 6_000,
        maxWaitTimeMs: 200,
        ...(this.settings.maxPublishBatchBytes
          ? { maxPublishBatchBytes: this.settings.maxPublishBatchBytes }
          : {}),
      },
      auth: {
        tokenUrl: this.wiremock.scopedUrl,
        clientId: 'two',
        clientSecret: 'scenario-secret',
        refreshAheadMs: this.settings.refreshAheadMs,
        timeoutMs: 2_000,
        maxAttempts: 2,
      },
      three: {
        url: this.wiremock.scopedUrl,
        timeoutMs: threeTimeoutMs,
        maxAttempts: this.settings.maxAttempts,
        initialDelayMs: 10,
        maxDelayMs: 100,
        breaker: { consecutiveFailures: 50, halfOpenAfterMs: 1_000 },
      },
      shutdownTimeoutMs: Math.max(10_000, 2 * threeTimeoutMs + 1_000),
    });
  }

  async startTwoInProcess(): Promise<RunningTwo> {
    this.two = await startTwo(this.config(), {
      logger: this.logger,
      metrics: createMetrics({ serviceName: 'two' }),
    });
    return this.two;
  }

  /** One more instance, in this scenario's consumer group unless `groupId` says otherwise. */
  async startAnotherTwo(groupId?: string): Promise<RunningTwo> {
    const two = await startTwo(this.config(groupId), {
      logger: this.logger,
      metrics: createMetrics({ serviceName: 'two' }),
    });
    this.moreTwos.push(two);
    return two;
  }

  get lastRequestId(): string {
    const id = this.requestIds.at(-1);
    if (!id) throw new Error('no request was published in this scenario');
    return id;
  }
}

setWorldConstructor(TwoWorld);
