import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { isKafkajsNegativeTimeout } from '../../src/index.js';

type RequestQueueClass = new (options: object) => { scheduleCheckPendingRequests(): void; destroy(): void };

/**
 * The warning Node emits while `arm` runs. Node warns about a negative timer once per process, and
 * each test file runs in a process of its own. Bounded: a kafkajs that no longer warns fails here.
 */
async function warningOf(arm: () => void): Promise<Error> {
  const warning = once(process, 'warning', { signal: AbortSignal.timeout(5000) }) as Promise<[Error]>;
  arm();
  return (await warning)[0];
}

describe('isKafkajsNegativeTimeout', () => {
  it("recognises the warning kafkajs's own request queue causes (kafkajs issue #1751)", async () => {
    const require = createRequire(import.meta.url);
    const RequestQueue = require('kafkajs/src/network/requestQueue/index.js') as RequestQueueClass;
    const noop = () => undefined;
    const queue = new RequestQueue({
      maxInFlightRequests: 1,
      requestTimeout: 1000,
      enforceRequestTimeout: false,
      clientId: 'test',
      broker: '127.0.0.1:9',
      logger: { debug: noop, info: noop, warn: noop, error: noop },
    });
    const warning = await warningOf(() => queue.scheduleCheckPendingRequests());
    queue.destroy();
    assert.equal(warning.name, 'TimeoutNegativeWarning');
    assert.equal(isKafkajsNegativeTimeout(warning), true);
  });

  it('does not hide the same warning from any other code', () => {
    const elsewhere = new Error('-5 is a negative number.\nTimeout duration was set to 1.');
    elsewhere.name = 'TimeoutNegativeWarning';
    assert.equal(isKafkajsNegativeTimeout(elsewhere), false);
  });
});
