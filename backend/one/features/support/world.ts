// The scenario world and the hooks around it. One shared instance of service one (on database
// `one`) serves most scenarios; outage scenarios start their own instance behind a TCP proxy.
import {
  After,
  AfterAll,
  BeforeAll,
  setDefaultTimeout,
  setWorldConstructor,
  Status,
  World,
  type IWorldOptions,
} from '@cucumber/cucumber';
import { context, propagation } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { Topics } from '@pkg/kafka';
import { applyMigrations } from '@pkg/migrate';
import { uniqueId } from '@pkg/testkit';
import { migrationsDir, oneDatabaseUrl } from './infrastructure.js';
import { serviceLogFile, startOne, type TestInstance } from './service-under-test.js';
import { TopicRecorder } from './topic-recorder.js';

setDefaultTimeout(60_000);

// What the OpenTelemetry SDK registers in production (issue 5); enough here for trace context
// to travel from an incoming traceparent to the outbox row.
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
propagation.setGlobalPropagator(new W3CTraceContextPropagator());

let sharedService: TestInstance | undefined;
export const oneRequestTopic = new TopicRecorder(Topics.oneRequest);

BeforeAll(async () => {
  // A fresh machine's `one` database is empty: migrate it as `make one-up` would (idempotent).
  await applyMigrations({ databaseUrl: oneDatabaseUrl, migrationsDir });
  await oneRequestTopic.start();
  sharedService = await startOne();
});

AfterAll(async () => {
  await sharedService?.stop();
  await oneRequestTopic.stop();
});

export interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
  text: string;
}

export class OneWorld extends World {
  /** The instance this scenario talks to. */
  service: TestInstance;
  databaseUrl = oneDatabaseUrl;
  userId = uniqueId('usr');
  answer: Answer | undefined;
  requestId: string | undefined;
  /** The trace the client's request belonged to, when it sent a traceparent. */
  traceId: string | undefined;
  readonly cleanups: (() => Promise<unknown>)[] = [];

  constructor(options: IWorldOptions) {
    super(options);
    if (!sharedService) throw new Error('shared service one did not start');
    this.service = sharedService;
  }

  async send(path: string, init: RequestInit = {}): Promise<Answer> {
    const response = await fetch(`${this.service.url}${path}`, init);
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON; keep the text
    }
    this.answer = { status: response.status, headers: response.headers, body, text };
    return this.answer;
  }

  postJson(
    body: string,
    contentType = 'application/json',
    headers: Record<string, string> = {},
  ): Promise<Answer> {
    return this.send('/one', { method: 'POST', headers: { 'content-type': contentType, ...headers }, body });
  }

  fixture(): Record<string, unknown> {
    return {
      user_id: this.userId,
      prompt: 'What is the value of k1?',
      data: [
        { key: 'k1', value: '15' },
        { key: 'k2', value: 'g3' },
      ],
    };
  }

  get lastAnswer(): Answer {
    if (!this.answer) throw new Error('no request was sent yet');
    return this.answer;
  }

  get acceptedId(): string {
    if (!this.requestId) throw new Error('no request was accepted yet');
    return this.requestId;
  }
}

setWorldConstructor(OneWorld);

After(async function (this: OneWorld, { result }) {
  for (const cleanup of this.cleanups.reverse()) await cleanup();
  if (result?.status === Status.FAILED) this.attach(`service logs: ${serviceLogFile}`);
});
