import { After, setDefaultTimeout, setWorldConstructor, World, type IWorldOptions } from '@cucumber/cucumber';
import { infrastructureFromEnv, type Infrastructure } from '@pkg/testkit';

/** Per-scenario state: the endpoints and whatever the scenario created, so After can clean it up. */
export class SmokeWorld extends World {
  readonly infrastructure: Infrastructure = infrastructureFromEnv();
  readonly cleanups: (() => Promise<unknown>)[] = [];
  topic = '';
  key = '';
  rowId = '';
  redisKey = '';
  path = '';
  response: { status: number; body: unknown } | undefined;

  constructor(options: IWorldOptions) {
    super(options);
  }
}

// Joining a consumer group on a busy 2-core machine can take seconds; bounded waits live in the steps.
setDefaultTimeout(60_000);
setWorldConstructor(SmokeWorld);

After(async function (this: SmokeWorld) {
  for (const cleanup of this.cleanups.reverse()) await cleanup();
});
