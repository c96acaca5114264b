// Steps of observability.feature: what one and two export (spans, logs, metrics) while handling a
// request, read back from the in-test OTLP receiver, the services' stdout and their /metrics.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { Given, Then, When, type World } from '@cucumber/cucumber';
import { eventually, uniqueId, type ReceivedSpan } from '@pkg/testkit';
import { E2E_CREDENTIALS, FAST_EXPORT_ENV, serviceEnvironment } from '../support/flow-stack.js';
import { freePort, startServiceProcess, type ServiceProcess } from '../support/service-process.js';
import { flowOf, postRequest, stackOf, statusOf } from './flow.steps.js';

const SpanKind = { server: 2, client: 3, producer: 4, consumer: 5 } as const;

/** Per-scenario telemetry state, next to flowOf's. */
interface TelemetryState {
  traceId?: string;
  spans: ReceivedSpan[];
  /** Requests posted together, and the `commit wait` span of each once found. */
  concurrent?: string[];
  waits?: ReceivedSpan[];
  quietOne?: ServiceProcess;
}
const states = new WeakMap<World, TelemetryState>();
function telemetryOf(world: World): TelemetryState {
  let state = states.get(world);
  if (!state) {
    state = { spans: [] };
    states.set(world, state);
  }
  return state;
}

/** True when `span` is `ancestor` or below it, following parent ids through `spans`. */
function descendsFrom(span: ReceivedSpan, ancestor: ReceivedSpan, spans: readonly ReceivedSpan[]): boolean {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  for (let current: ReceivedSpan | undefined = span; current; current = byId.get(current.parentSpanId)) {
    if (current.spanId === ancestor.spanId) return true;
  }
  return false;
}

function only(
  spans: readonly ReceivedSpan[],
  what: string,
  match: (span: ReceivedSpan) => boolean,
): ReceivedSpan {
  const found = spans.filter(match);
  assert.equal(found.length, 1, `exactly one ${what}; spans of the trace:\n${describe(spans)}`);
  return found[0]!;
}

function describe(spans: readonly ReceivedSpan[]): string {
  return spans
    .map((s) => `  ${s.service} kind=${s.kind} ${s.name} ${s.spanId}<-${s.parentSpanId}`)
    .join('\n');
}

/** The spans of the request's trace, once the last hop (one's result consumer) has exported its span. */
async function traceOf(world: World, requestId: string): Promise<{ traceId: string; spans: ReceivedSpan[] }> {
  const { receiver } = stackOf(world);
  return eventually(
    () => {
      const send = receiver.spans.find(
        (s) => s.name === 'send one-request' && s.attributes['messaging.kafka.message.key'] === requestId,
      );
      if (!send) return undefined;
      const spans = receiver.spans.filter((s) => s.traceId === send.traceId);
      const last = spans.some((s) => s.service === 'one' && s.name === 'process three-result');
      return last ? { traceId: send.traceId, spans } : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 250, message: `the trace of request ${requestId}, to its last hop` },
  );
}

Then(
  "one trace holds one's server span for POST \\/one and its database insert",
  async function (this: World) {
    const { traceId, spans } = await traceOf(this, flowOf(this).lastRequestId!);
    Object.assign(telemetryOf(this), { traceId, spans });
    const server = only(spans, "one's server span", (s) => s.service === 'one' && s.kind === SpanKind.server);
    assert.equal(server.name, 'POST /one');
    assert.equal(server.attributes['http.route'], '/one');
    assert.equal(server.parentSpanId, '', 'the server span is the root: the client sent no trace context');
    const insert = spans.find(
      (s) =>
        s.service === 'one' &&
        s.kind === SpanKind.client &&
        /INSERT/i.test(String(s.attributes['db.query.text'] ?? s.attributes['db.statement'] ?? s.name)),
    );
    assert.ok(insert, `a database span with the INSERT, below the server span:\n${describe(spans)}`);
    assert.ok(descendsFrom(insert, server, spans), 'the INSERT runs inside the request');
  },
);

Then("one's {string} span is in the same trace, below the server span", function (this: World, name: string) {
  const { spans } = telemetryOf(this);
  const server = only(spans, 'server span', (s) => s.service === 'one' && s.kind === SpanKind.server);
  const send = only(spans, name, (s) => s.service === 'one' && s.name === name);
  assert.equal(send.kind, SpanKind.producer);
  assert.equal(send.attributes['messaging.system'], 'kafka');
  assert.equal(send.attributes['messaging.destination.name'], 'one-request');
  assert.ok(descendsFrom(send, server, spans), 'the publish joins the request trace through the outbox row');
});

Then(
  "two's {string} span is a child of one's {string} span",
  function (this: World, processName: string, sendName: string) {
    const { spans } = telemetryOf(this);
    const send = only(spans, sendName, (s) => s.service === 'one' && s.name === sendName);
    const processing = only(spans, processName, (s) => s.service === 'two' && s.name === processName);
    assert.equal(processing.kind, SpanKind.consumer);
    assert.equal(processing.parentSpanId, send.spanId);
    assert.equal(processing.attributes['messaging.kafka.message.key'], flowOf(this).lastRequestId);
    for (const attribute of [
      'messaging.kafka.offset',
      'messaging.destination.partition.id',
      'messaging.consumer.group.name',
    ])
      assert.notEqual(processing.attributes[attribute], undefined, attribute);
  },
);

Then(
  "two's token call and both \\/three calls are client spans below its processing span",
  function (this: World) {
    const { spans } = telemetryOf(this);
    const processing = only(spans, 'process one-request', (s) => s.name === 'process one-request');
    const clientCalls = (path: string) =>
      spans.filter(
        (s) =>
          s.service === 'two' &&
          s.kind === SpanKind.client &&
          String(s.attributes['url.full'] ?? s.attributes['url.path'] ?? '').endsWith(path),
      );
    // The 401, then the retry with the token fetched after it.
    for (const [path, count] of [
      ['/v2/oauth/token', 1],
      ['/three', 2],
    ] as const) {
      const calls = clientCalls(path);
      assert.ok(calls.length >= count, `${count} call(s) to ${path} in the trace, found ${calls.length}`);
      for (const call of calls) {
        assert.ok(descendsFrom(call, processing, spans), `${path} is called while handling`);
        assert.equal(call.attributes['http.request.method'], 'POST');
        for (const [key, value] of Object.entries(call.attributes))
          assert.doesNotMatch(
            `${key}=${String(value)}`,
            /bearer|basic |secret|access_token/i,
            'no credentials in span attributes',
          );
      }
    }
  },
);

Then(
  "two's {string} span is below its processing span, and one's {string} span is its child",
  function (this: World, sendName: string, processName: string) {
    const { spans } = telemetryOf(this);
    const processing = only(spans, 'process one-request', (s) => s.name === 'process one-request');
    const send = only(spans, sendName, (s) => s.service === 'two' && s.name === sendName);
    assert.equal(send.kind, SpanKind.producer);
    assert.ok(descendsFrom(send, processing, spans));
    const result = only(spans, processName, (s) => s.service === 'one' && s.name === processName);
    assert.equal(result.kind, SpanKind.consumer);
    assert.equal(result.parentSpanId, send.spanId);
  },
);

Then(
  'log records of one and two written while handling it carry its trace id and request id',
  async function (this: World) {
    const { traceId } = telemetryOf(this);
    const requestId = flowOf(this).lastRequestId!;
    const { receiver, one, two } = stackOf(this);
    const logs = await eventually(
      () => {
        const found = receiver.logs.filter(
          (l) => l.traceId === traceId && l.attributes.request_id === requestId,
        );
        return ['one', 'two'].every((service) => found.some((l) => l.service === service))
          ? found
          : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250, message: 'OTLP log records of one and two in the trace' },
    );
    assert.ok(logs.some((l) => l.body === 'request accepted'));
    // The same lines on stdout (for local reading) carry trace_id, span_id and request_id too.
    for (const service of [one, two]) {
      const line = service.stdout
        .map((text) => JSON.parse(text) as Record<string, unknown>)
        .find((entry) => entry.request_id === requestId && entry.trace_id === traceId);
      assert.ok(line, `a ${service.name} stdout line with trace_id ${traceId} and request_id ${requestId}`);
      assert.match(String(line.span_id), /^[0-9a-f]{16}$/);
    }
    // Exactly one OTLP path: every exported record is there once.
    const accepted = receiver.logs.filter(
      (l) => l.body === 'request accepted' && l.attributes.request_id === requestId,
    );
    assert.equal(accepted.length, 1);
  },
);

When(
  'a client posts one valid request, one invalid request, one the third party refuses and one it answers 503 first',
  async function (this: World) {
    const { one, wiremock } = stackOf(this);
    const refused = uniqueId('usr-refused');
    const retried = uniqueId('usr-retried');
    await wiremock.answerThreeFor(refused, [400]);
    await wiremock.answerThreeFor(retried, [503, 200]);
    const invalid = await fetch(`${one.url}/one`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user_id: '' }),
    });
    assert.equal(invalid.status, 400);
    for (const userId of [uniqueId('usr'), refused, retried]) await postRequest(this, one.url, userId);
    const requests = flowOf(this).requests;
    const expected = [
      [requests.get(refused)!, 'FAILED'],
      [requests.get(retried)!, 'DELIVERED'],
    ] as const;
    for (const [requestId, status] of expected)
      await eventually(async () => (await statusOf(one.url, requestId)) === status, {
        timeoutMs: 60_000,
        intervalMs: 250,
        message: `request ${requestId} ${status}`,
      });
  },
);

Then('the OTLP receiver has the metrics:', async function (this: World, table: { raw(): string[][] }) {
  const { receiver } = stackOf(this);
  const names = table.raw().map(([name]) => name!);
  await eventually(() => names.every((name) => receiver.metricNames.has(name)), {
    timeoutMs: 30_000,
    intervalMs: 250,
    message: `metrics ${names.filter((n) => !receiver.metricNames.has(n)).join(', ')} over OTLP (have: ${[...receiver.metricNames].join(', ')})`,
  });
});

Then(
  "{word}'s \\/metrics has the series:",
  async function (this: World, service: 'one' | 'two', table: { raw(): string[][] }) {
    const url = stackOf(this)[service].url;
    const text = await (await fetch(`${url}/metrics`)).text();
    const missing = table
      .raw()
      .map(([name]) => name!)
      .filter((name) => !new RegExp(`^${name}(\\{|\\s)`, 'm').test(text));
    assert.deepEqual(missing, [], `missing on ${service}'s /metrics`);
    if (service === 'one')
      assert.equal(
        text.match(/^# TYPE http_server_request_duration_seconds /gm)?.length,
        1,
        'one series family',
      );
  },
);

Then("each service's \\/metrics passes {string}", async function (this: World, command: string) {
  const [tool, ...args] = command.split(' ');
  for (const service of [stackOf(this).one, stackOf(this).two]) {
    const text = await (await fetch(`${service.url}/metrics`)).text();
    const result = spawnSync(tool!, args, { input: text, encoding: 'utf8' });
    assert.ok(
      !result.error,
      `${tool} could not run (${result.error?.message}); install it with 'make tools'`,
    );
    assert.equal(result.status, 0, `${service.name}: ${result.stdout}${result.stderr}`);
  }
});

Given(
  'service one is running as a process whose OTLP endpoint is a closed port',
  { timeout: 120_000 },
  async function (this: World) {
    const [port, closed] = [await freePort(), await freePort()];
    const quietOne = await startServiceProcess('one', port, {
      ...serviceEnvironment(),
      ...FAST_EXPORT_ENV,
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${closed}`,
      ONE_HTTP__PORT: String(port),
      ONE_KAFKA__RESULTS_GROUP_ID: uniqueId('quiet-one-results'),
    });
    telemetryOf(this).quietOne = quietOne;
    flowOf(this).cleanups.push(() => quietOne.stop());
  },
);

/** The database span of one's INSERT (a group's statement or a single one), by its text. */
function isInsert(span: ReceivedSpan): boolean {
  return (
    span.service === 'one' &&
    span.kind === SpanKind.client &&
    /INSERT/i.test(String(span.attributes['db.query.text'] ?? span.attributes['db.statement'] ?? span.name))
  );
}

When('a client posts {int} requests to one at once', async function (this: World, count: number) {
  const { url } = stackOf(this).one;
  telemetryOf(this).concurrent = await Promise.all(
    Array.from({ length: count }, () => postRequest(this, url, uniqueId('usr-group'))),
  );
});

Then(
  "each request's trace holds one's server span and a {string} span below it",
  async function (this: World, name: string) {
    const state = telemetryOf(this);
    const { receiver } = stackOf(this);
    state.waits = [];
    for (const requestId of state.concurrent!) {
      // The publish carries the request id and joins the request's trace (through the outbox row).
      const { server, wait } = await eventually(
        () => {
          const send = receiver.spans.find(
            (s) => s.name === 'send one-request' && s.attributes['messaging.kafka.message.key'] === requestId,
          );
          const spans = receiver.spans.filter((s) => s.traceId === send?.traceId);
          const server = spans.find((s) => s.service === 'one' && s.kind === SpanKind.server);
          const wait = spans.find((s) => s.service === 'one' && s.name === name);
          return send && server && wait ? { server, wait } : undefined;
        },
        {
          timeoutMs: 30_000,
          intervalMs: 250,
          message: `the server and ${name} spans of request ${requestId}`,
        },
      );
      assert.equal(server.name, 'POST /one');
      assert.equal(wait.parentSpanId, server.spanId, `${name} is a child of the server span`);
      state.waits.push(wait);
    }
  },
);

Then(
  'each {string} span has the INSERT below it, or links to the {string} span that has it',
  async function (this: World, name: string, sameName: string) {
    assert.equal(name, sameName);
    const { receiver } = stackOf(this);
    for (const wait of telemetryOf(this).waits!) {
      await eventually(
        () => {
          const holder = wait.links.length
            ? receiver.spans.find((s) => s.spanId === wait.links[0]!.spanId && s.name === name)
            : wait;
          return holder && receiver.spans.some((s) => isInsert(s) && s.parentSpanId === holder.spanId);
        },
        {
          timeoutMs: 30_000,
          intervalMs: 250,
          message: `the INSERT of ${name} ${wait.spanId} (links: ${JSON.stringify(wait.links)})`,
        },
      );
    }
  },
);

Then('at least one INSERT stored more than one request', function (this: World) {
  const waits = telemetryOf(this).waits!;
  const linked = waits.filter((wait) => wait.links.length > 0);
  assert.ok(linked.length > 0, 'some requests joined a group led by another request');
  for (const wait of linked) assert.ok(Number(wait.attributes['one.group_commit.size']) > 1);
});

When('a client posts {int} requests to that service', async function (this: World, count: number) {
  const { quietOne } = telemetryOf(this);
  for (let i = 0; i < count; i += 1) await postRequest(this, quietOne!.url, uniqueId('usr-quiet'));
});

Then(
  'every request is answered 201 and published, and the service wrote no export errors',
  async function (this: World) {
    const { quietOne } = telemetryOf(this);
    // Published means the relay ran and its spans were handed to the (failing) exporter meanwhile.
    for (const requestId of flowOf(this).requests.values())
      await eventually(async () => (await statusOf(quietOne!.url, requestId)) !== 'ACCEPTED', {
        timeoutMs: 30_000,
        intervalMs: 250,
        message: `request ${requestId} published`,
      });
    // The OTel SDK reports export failures through its diag logger, which stays silent unless
    // OTEL_LOG_LEVEL asks: nothing about exporting may reach the service's output.
    const aboutExport = /otlp|exporter|export fail|ECONNREFUSED|\/v1\/(traces|metrics|logs)/i;
    const noisy = [...quietOne!.stdout, ...quietOne!.stderr].filter((line) => aboutExport.test(line));
    assert.deepEqual(noisy, [], 'no export errors on stdout/stderr');
    assert.deepEqual(quietOne!.stderr.filter(Boolean), [], 'nothing on stderr');
    for (const line of quietOne!.stdout) JSON.parse(line); // only the service's own JSON log lines
  },
);

Then(
  'no span, log record or log line of either service contains the client secret, the access token or an Authorization header',
  function (this: World) {
    const { receiver, one, two } = stackOf(this);
    const { clientId, clientSecret, accessToken } = E2E_CREDENTIALS;
    const secrets = [
      clientSecret,
      accessToken,
      Buffer.from(`${clientId}:${clientSecret}`).toString('base64'), // the Basic credential
    ];
    const exported = JSON.stringify({ spans: receiver.spans, logs: receiver.logs });
    const written = [...one.stdout, ...one.stderr, ...two.stdout, ...two.stderr].join('\n');
    for (const [where, text] of [
      ['exported telemetry', exported],
      ['service output', written],
    ] as const) {
      for (const secret of secrets) assert.ok(!text.includes(secret), `${where} contains a secret`);
      assert.doesNotMatch(text, /"(http\.request\.header\.)?authorization"\s*:\s*"(Bearer|Basic) /i, where);
    }
  },
);
