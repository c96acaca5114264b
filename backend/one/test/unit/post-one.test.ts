import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FIXTURE, testApp } from './test-app.js';
import { withServer } from './fakes.js';

const post = (baseUrl: string, body: string, contentType = 'application/json') =>
  fetch(`${baseUrl}/one`, { method: 'POST', headers: { 'content-type': contentType }, body });

async function problemOf(response: Response) {
  assert.equal(response.headers.get('content-type'), 'application/problem+json; charset=utf-8');
  const problem = (await response.json()) as Record<string, unknown>;
  assert.equal(problem.status, response.status);
  assert.equal(problem.instance, undefined, 'the path is not echoed');
  assert.match(String(problem.trace_id), /^[0-9a-f]{32}$/);
  assert.ok(!JSON.stringify(problem).includes('    at '), 'no stack trace');
  return problem;
}

describe('POST /one', () => {
  it('answers 201 with the id and Location, after storing the request and its outbox message', async () => {
    const { app, store, wakes } = testApp();
    await withServer(app, async (baseUrl) => {
      const response = await post(baseUrl, JSON.stringify(FIXTURE));
      assert.equal(response.status, 201);
      assert.deepEqual(await response.json(), { request_id: '1000' });
      assert.equal(response.headers.get('location'), '/one/1000');
    });
    assert.equal(store.requests.get('1000')?.userId, 'old-usr-5');
    const [message] = store.outbox;
    assert.equal(message?.topic, 'one-request');
    assert.equal(message?.key, '1000');
    assert.equal(message?.eventId, '1001');
    assert.deepEqual(message?.headers, {
      'request-id': '1000',
      'event-type': 'one.request.accepted',
      'event-version': '1',
      'content-type': 'application/json',
    });
    assert.deepEqual(message?.payload, {
      version: 1,
      type: 'one.request.accepted',
      request_id: '1000',
      ...FIXTURE,
      accepted_at: '2025-06-01T12:00:00.000Z',
    });
    assert.equal(wakes.length, 1, 'the relay is woken after the commit');
  });

  const badInputs: [string, string, string, number, string?][] = [
    ['malformed JSON', '{"user_id": ', 'application/json', 400, 'urn:problem:one:malformed-json'],
    ['a missing field', JSON.stringify({ user_id: 'u', data: [] }), 'application/json', 400, '/prompt'],
    ['a wrong type', JSON.stringify({ ...FIXTURE, data: 'k1=15' }), 'application/json', 400, '/data'],
    ['an unknown field', JSON.stringify({ ...FIXTURE, admin: true }), 'application/json', 400, '/admin'],
    [
      'a __proto__ key',
      '{"user_id":"u","prompt":"p","data":[],"__proto__":{"polluted":true}}',
      'application/json',
      400,
      '/__proto__',
    ],
    [
      'a constructor key in an item',
      '{"user_id":"u","prompt":"p","data":[{"key":"k","value":"v","constructor":{"prototype":{"polluted":true}}}]}',
      'application/json',
      400,
      '/data/0/constructor',
    ],
    [
      'too many data items',
      JSON.stringify({
        ...FIXTURE,
        data: Array.from({ length: 101 }, (_, i) => ({ key: `k${i}`, value: 'v' })),
      }),
      'application/json',
      400,
      '/data',
    ],
    [
      'a body over 64 KiB',
      JSON.stringify({ ...FIXTURE, prompt: 'x'.repeat(100 * 1024) }),
      'application/json',
      413,
    ],
    ['text/plain', JSON.stringify(FIXTURE), 'text/plain', 415],
  ];
  for (const [name, body, contentType, status, expected] of badInputs) {
    it(`answers ${status} problem+json for ${name}, storing nothing`, async () => {
      const { app, store, wakes } = testApp();
      await withServer(app, async (baseUrl) => {
        const response = await post(baseUrl, body, contentType);
        assert.equal(response.status, status);
        const problem = await problemOf(response);
        if (expected?.startsWith('/')) {
          const pointers = (problem.errors as { pointer: string }[]).map((error) => error.pointer);
          assert.ok(pointers.includes(expected), `${expected} in ${pointers.join(', ')}`);
        } else if (expected) {
          assert.equal(problem.type, expected);
        }
        assert.ok(!JSON.stringify(problem).includes('polluted'), 'the body is not echoed');
      });
      assert.equal(store.requests.size, 0);
      assert.equal(wakes.length, 0);
      assert.equal(({} as Record<string, unknown>).polluted, undefined, 'no prototype was touched');
    });
  }

  it('keeps the answer small and printable however many unknown keys a body carries', async () => {
    const { app } = testApp();
    const body: Record<string, unknown> = { ...FIXTURE };
    // 250 keys of ~200 characters: within the 64 KiB body limit.
    for (let i = 0; i < 250; i += 1) body[`\u0007${'k'.repeat(200)}${i}`] = i;
    await withServer(app, async (baseUrl) => {
      const response = await post(baseUrl, JSON.stringify(body));
      const text = JSON.stringify(await problemOf(response));
      const problem = JSON.parse(text) as { errors: { pointer: string }[]; detail: string };
      assert.equal(problem.errors.length, 10);
      assert.match(problem.detail, /240 more field error/);
      for (const { pointer } of problem.errors) assert.match(pointer, /^\/[\x20-\x7e]{1,64}$/);
      assert.ok(text.length < 2_000, `${text.length} characters`);
    });
  });

  it('does not echo the path of an unknown endpoint', async () => {
    const { app } = testApp();
    await withServer(app, async (baseUrl) => {
      const response = await fetch(`${baseUrl}/${'secret-looking-path'.repeat(50)}`);
      assert.equal(response.status, 404);
      assert.ok(!(await response.text()).includes('secret-looking-path'));
    });
  });

  it('answers 503 problem+json with Retry-After when the database is unreachable', async () => {
    const { app, store } = testApp();
    store.failWith = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), {
      code: 'ECONNREFUSED',
    });
    await withServer(app, async (baseUrl) => {
      const response = await post(baseUrl, JSON.stringify(FIXTURE));
      assert.equal(response.status, 503);
      assert.equal(response.headers.get('retry-after'), '1');
      await problemOf(response);
    });
  });

  it('answers 500 problem+json without internals for an unexpected error', async () => {
    const { app, store } = testApp();
    store.failWith = new Error('secret internal detail');
    await withServer(app, async (baseUrl) => {
      const response = await post(baseUrl, JSON.stringify(FIXTURE));
      assert.equal(response.status, 500);
      const problem = await problemOf(response);
      assert.ok(!JSON.stringify(problem).includes('secret internal detail'));
    });
  });

  it('answers 405 with Allow for another method', async () => {
    const { app } = testApp();
    await withServer(app, async (baseUrl) => {
      const response = await fetch(`${baseUrl}/one`, { method: 'PUT' });
      assert.equal(response.status, 405);
      assert.equal(response.headers.get('allow'), 'POST');
      await problemOf(response);
    });
  });
});
