import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createMetrics } from '@pkg/otel';
import type { RetainedOffsets } from '../../src/replay/replay-records.js';
import { observeConsumerLag } from '../../src/telemetry/consumer-lag.js';
import { observeDeadLetterDepth } from '../../src/telemetry/dead-letter-depth.js';
import { timedThreeClient } from '../../src/telemetry/timed-three-client.js';
import { createTwoMetrics } from '../../src/telemetry/two-metrics.js';

async function scrape(metrics: ReturnType<typeof createMetrics>): Promise<string> {
  const { createServer } = await import('node:http');
  const server = createServer(metrics.handler).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    const { port } = server.address() as { port: number };
    return await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  } finally {
    server.close();
  }
}

describe('two_consumer_lag', () => {
  it('reports high watermark minus committed offset per partition, from the cache refreshed on an interval', async () => {
    const metrics = createMetrics({ serviceName: 'unit' });
    let adminCalls = 0;
    const lag = observeConsumerLag({
      meter: metrics.meter,
      groupId: 'two',
      topic: 'one-request',
      refreshIntervalMs: 60_000,
      admin: {
        connect: async () => undefined,
        disconnect: async () => undefined,
        fetchTopicOffsets: async () => {
          adminCalls += 1;
          return [
            { partition: 0, offset: '10', high: '10', low: '0' },
            { partition: 1, offset: '7', high: '7', low: '2' },
          ];
        },
        fetchOffsets: async () => [
          {
            topic: 'one-request',
            partitions: [
              { partition: 0, offset: '4', metadata: null },
              { partition: 1, offset: '-1', metadata: null },
            ],
          },
        ],
      },
    });
    await lag.start();
    try {
      const first = await scrape(metrics);
      await scrape(metrics);
      assert.match(first, /two_consumer_lag\{topic="one-request",partition="0"[^}]*\} 6\n/);
      // Nothing committed yet: everything still retained (high − low) is lag.
      assert.match(first, /two_consumer_lag\{topic="one-request",partition="1"[^}]*\} 5\n/);
      assert.equal(adminCalls, 1, 'scrapes read the cache, not the broker');
    } finally {
      await lag.stop();
      await metrics.shutdown();
    }
  });
});

describe('timedThreeClient', () => {
  it('records every /three attempt, answered or not, in two_third_party_duration_seconds', async () => {
    const metrics = createMetrics({ serviceName: 'unit' });
    const answers = [
      Promise.resolve({ status: 503, retryAfterMs: undefined }),
      Promise.reject(new Error('timeout')),
    ];
    const three = timedThreeClient(
      { post: () => answers.shift()!, close: async () => undefined },
      createTwoMetrics(metrics.meter),
    );
    const call = { body: {}, accessToken: 't', idempotencyKey: '1' };
    await three.post(call);
    await assert.rejects(three.post(call));
    const text = await scrape(metrics);
    assert.match(text, /two_third_party_duration_seconds_count\{http_response_status_code="503"[^}]*\} 1\n/);
    assert.match(text, /two_third_party_duration_seconds_count\{error_type="no_response"[^}]*\} 1\n/);
    await metrics.shutdown();
  });
});

describe('two_dead_letters_unreplayed', () => {
  const retained = [
    { partition: 0, offset: '12', high: '12', low: '2' },
    { partition: 1, offset: '3', high: '3', low: '3' },
  ];

  function depthWith(replays: (topic: string, offsets: readonly RetainedOffsets[]) => Promise<number>) {
    const metrics = createMetrics({ serviceName: 'unit' });
    let adminCalls = 0;
    const depth = observeDeadLetterDepth({
      meter: metrics.meter,
      topic: 'one-request.dlq',
      refreshIntervalMs: 60_000,
      admin: {
        connect: async () => undefined,
        disconnect: async () => undefined,
        fetchTopicOffsets: async () => {
          adminCalls += 1;
          return retained;
        },
      },
      replays: { countRecorded: replays },
    });
    return { metrics, depth, adminCalls: () => adminCalls };
  }

  it('reports the retained dead letters minus the replays recorded for them, from the cache', async () => {
    const asked: unknown[] = [];
    const { metrics, depth, adminCalls } = depthWith(async (topic, offsets) => {
      asked.push({ topic, offsets });
      return 4;
    });
    await depth.start();
    try {
      const first = await scrape(metrics);
      await scrape(metrics);
      // (12 − 2) + (3 − 3) retained, 4 of them replayed.
      assert.match(first, /two_dead_letters_unreplayed\{topic="one-request.dlq"[^}]*\} 6\n/);
      assert.deepEqual(asked, [{ topic: 'one-request.dlq', offsets: retained }]);
      assert.equal(adminCalls(), 1, 'scrapes read the cache');
    } finally {
      await depth.stop();
      await metrics.shutdown();
    }
  });

  it('reports nothing while the database cannot say what was replayed', async () => {
    const { metrics, depth } = depthWith(async () => {
      throw new Error('connection refused');
    });
    await depth.start();
    try {
      assert.equal(await depth.refresh(), undefined);
      assert.doesNotMatch(await scrape(metrics), /two_dead_letters_unreplayed\{/);
    } finally {
      await depth.stop();
      await metrics.shutdown();
    }
  });
});
