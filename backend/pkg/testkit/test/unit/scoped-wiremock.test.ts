import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { ScopedWireMock, sequenceStates } from '../../src/index.js';

describe('sequenceStates', () => {
  it('answers a single answer from the initial state, and it repeats', () => {
    assert.deepEqual(sequenceStates(1), [{ requiredScenarioState: 'Started' }]);
  });

  it('moves each answer to the next state; the last stays, so it repeats', () => {
    assert.deepEqual(sequenceStates(3), [
      { requiredScenarioState: 'Started', newScenarioState: 'call-1' },
      { requiredScenarioState: 'call-1', newScenarioState: 'call-2' },
      { requiredScenarioState: 'call-2' },
    ]);
  });

  it('refuses a sequence without answers', () => {
    assert.throws(() => sequenceStates(0), RangeError);
  });
});

describe('ScopedWireMock.stub', () => {
  // A stand-in for WireMock's admin API that answers every new mapping with `status` and `body`.
  async function adminAnswering(status: number, body: object) {
    const server = createServer((_req, res) => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return { url: `http://127.0.0.1:${port}`, close: () => server.close() };
  }

  it('records the id of a stub WireMock accepted', async () => {
    const admin = await adminAnswering(201, { id: 'a1b2' });
    try {
      const wiremock = new ScopedWireMock(admin.url, '/t-1');
      await wiremock.stub({ method: 'GET', endpoint: '/x' }, { status: 200 });
    } finally {
      admin.close();
    }
  });

  it('fails when WireMock refuses the stub (a 4xx does not reject since wiremock-captain 4)', async () => {
    const admin = await adminAnswering(422, { errors: [{ title: 'bad mapping' }] });
    try {
      const wiremock = new ScopedWireMock(admin.url, '/t-2');
      await assert.rejects(
        wiremock.stub({ method: 'GET', endpoint: '/x' }, { status: 200 }),
        /WireMock refused the stub for \/t-2\/x: .*bad mapping/,
      );
    } finally {
      admin.close();
    }
  });
});
