import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FIXTURE, testApp } from './test-app.js';
import { withServer } from './fakes.js';

describe('GET /one/:id and the operational endpoints', () => {
  it('shows a stored request with its status and timestamps', async () => {
    const { app } = testApp();
    await withServer(app, async (baseUrl) => {
      await fetch(`${baseUrl}/one`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(FIXTURE),
      });
      const response = await fetch(`${baseUrl}/one/1000`);
      assert.equal(response.status, 200);
      assert.deepEqual(await response.json(), {
        request_id: '1000',
        ...FIXTURE,
        status: 'ACCEPTED',
        attempts: 0,
        last_error: null,
        accepted_at: '2025-06-01T12:00:00.000Z',
        published_at: null,
        completed_at: null,
        updated_at: '2025-06-01T12:00:00.000Z',
      });
    });
  });

  it('answers 404 for an unknown id, 400 for a non-Snowflake id, 404 for an unknown path', async () => {
    const { app } = testApp();
    await withServer(app, async (baseUrl) => {
      assert.equal((await fetch(`${baseUrl}/one/42`)).status, 404);
      for (const id of ['abc', '-1', '01', '99999999999999999999']) {
        const response = await fetch(`${baseUrl}/one/${id}`);
        assert.equal(response.status, 400, id);
        assert.equal(response.headers.get('content-type'), 'application/problem+json; charset=utf-8');
      }
      const unknown = await fetch(`${baseUrl}/nowhere`);
      assert.equal(unknown.status, 404);
      assert.equal(unknown.headers.get('content-type'), 'application/problem+json; charset=utf-8');
    });
  });

  it('readyz answers 200 when every check is up and 503 problem+json naming the failed check otherwise', async () => {
    await withServer(testApp().app, async (baseUrl) => {
      const response = await fetch(`${baseUrl}/readyz`);
      assert.equal(response.status, 200);
    });
    const down = testApp({ ready: false, checks: { database: 'down', kafka: 'up', shutdown: 'up' } });
    await withServer(down.app, async (baseUrl) => {
      const response = await fetch(`${baseUrl}/readyz`);
      assert.equal(response.status, 503);
      const problem = (await response.json()) as { detail: string; checks: Record<string, string> };
      assert.equal(problem.detail, 'Not ready: database.');
      assert.equal(problem.checks.database, 'down');
    });
  });

  it('healthz answers 200 and metrics serves the exposition', async () => {
    await withServer(testApp().app, async (baseUrl) => {
      assert.deepEqual(await (await fetch(`${baseUrl}/healthz`)).json(), { status: 'ok' });
      assert.equal(await (await fetch(`${baseUrl}/metrics`)).text(), '# metrics\n');
    });
  });
});
