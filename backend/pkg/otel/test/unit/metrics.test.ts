import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { createMetrics } from '../../src/index.js';

describe('createMetrics', () => {
  it('serves what the meter recorded as Prometheus text, per instance', async () => {
    const metrics = createMetrics({ serviceName: 'unit' });
    const other = createMetrics({ serviceName: 'other' });
    metrics.meter
      .createCounter('requests.accepted', { description: 'Accepted requests' })
      .add(3, { route: '/one' });
    other.meter.createCounter('requests.accepted').add(7);
    const server = createServer(metrics.handler).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`);
      const text = await response.text();
      assert.equal(response.status, 200);
      assert.match(text, /# HELP requests_accepted_total Accepted requests/);
      assert.match(text, /requests_accepted_total\{route="\/one"[^}]*\} 3\n/);
      assert.doesNotMatch(text, / 7\b/);
    } finally {
      server.close();
      await Promise.all([metrics.shutdown(), other.shutdown()]);
    }
  });
});
