import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { eventually, startOtlpReceiver } from '@pkg/testkit';

const FIXTURE = fileURLToPath(new URL('../fixtures/instrumented-main.ts', import.meta.url));

function runFixture(endpoint: string, env: Record<string, string> = {}): Promise<number | null> {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', FIXTURE], {
    env: {
      ...process.env,
      ...env,
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      OTEL_BSP_SCHEDULE_DELAY: '50',
      OTEL_BLRP_SCHEDULE_DELAY: '50',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  return new Promise((resolve) => child.on('exit', resolve));
}

describe('startTelemetry under ESM', () => {
  it('exports the server span, the client span, correlated logs and metrics of an app imported after it', async () => {
    const receiver = await startOtlpReceiver();
    try {
      assert.equal(await runFixture(receiver.endpoint), 0);
      const server = await eventually(
        () => receiver.spans.find((s) => s.kind === 2 && s.name === 'GET /hello'),
        {
          message: 'HTTP server span named after the Express route',
        },
      );
      assert.equal(server.service, 'otel-fixture');
      assert.equal(server.attributes['http.route'], '/hello');
      const client = receiver.spans.find((s) => s.kind === 3 && s.traceId === server.traceId);
      assert.ok(client, 'the fetch client span is in the same trace as the server span');
      assert.equal(server.parentSpanId, client.spanId, 'the server span is a child of the client span');
      // Express was patched (the route named the server span above), but makes no span per layer.
      assert.deepEqual(
        receiver.spans.filter((s) => s.traceId === server.traceId && s.kind === 1).map((s) => s.name),
        [],
        'no internal spans per middleware or handler',
      );
      const log = receiver.logs.find((l) => l.body === 'saying hello');
      assert.ok(log, 'the winston line was exported over OTLP');
      assert.equal(log.traceId, server.traceId);
      assert.ok(receiver.metricNames.has('fixture.hellos'), [...receiver.metricNames].join(', '));
      assert.deepEqual(new Set(receiver.encodings), new Set(['gzip']), 'every export gzipped by default');
    } finally {
      await receiver.close();
    }
  });

  it('sends plain JSON when OTEL_EXPORTER_OTLP_COMPRESSION=none', async () => {
    const receiver = await startOtlpReceiver();
    try {
      assert.equal(await runFixture(receiver.endpoint, { OTEL_EXPORTER_OTLP_COMPRESSION: 'none' }), 0);
      await eventually(() => receiver.spans.find((s) => s.name === 'GET /hello'), {
        message: 'the server span, uncompressed',
      });
      assert.deepEqual(new Set(receiver.encodings), new Set(['identity']));
    } finally {
      await receiver.close();
    }
  });

  it('samples heads by the standard OTEL_TRACES_SAMPLER variables: ratio 0 exports no span, logs still flow', async () => {
    const receiver = await startOtlpReceiver();
    try {
      const sampled = { OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0' };
      assert.equal(await runFixture(receiver.endpoint, sampled), 0);
      await eventually(() => receiver.logs.find((l) => l.body === 'saying hello'), {
        message: 'the log record of the unsampled request',
      });
      assert.deepEqual(
        receiver.spans.map((s) => s.name),
        [],
        'the root (the fetch) is not sampled, and the server span follows its parent',
      );
    } finally {
      await receiver.close();
    }
  });
});
