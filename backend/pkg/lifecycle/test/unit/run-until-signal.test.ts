import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import { runUntilSignal } from '../../src/index.js';

const silent = { info: () => undefined, error: () => undefined };

function harness(stopSteps: (() => Promise<void>)[], timeoutMs = 1_000) {
  const emitter = new EventEmitter();
  const exits: number[] = [];
  const done = runUntilSignal({
    stopSteps,
    timeoutMs,
    logger: silent,
    exit: (code) => exits.push(code),
    process: { once: (event: string, listener: () => void) => emitter.once(event, listener) } as never,
  });
  return { emitter, exits, done };
}

describe('runUntilSignal', () => {
  it('runs the stop steps in order after SIGTERM and exits 0', async () => {
    const order: string[] = [];
    const { emitter, exits, done } = harness([
      async () => void order.push('service'),
      async () => void order.push('telemetry'),
    ]);
    emitter.emit('SIGTERM');
    assert.equal(await done, 0);
    assert.deepEqual(order, ['service', 'telemetry']);
    assert.deepEqual(exits, [0]);
  });

  it('stops only once when a second signal arrives during the stop', async () => {
    let stops = 0;
    const { emitter, exits, done } = harness([async () => void stops++]);
    emitter.emit('SIGINT');
    emitter.emit('SIGTERM');
    await done;
    assert.equal(stops, 1);
    assert.deepEqual(exits, [0]);
  });

  it('exits 1 when a step fails, without running the later steps', async () => {
    let flushed = false;
    const { emitter, done } = harness([
      () => Promise.reject(new Error('broker gone')),
      async () => void (flushed = true),
    ]);
    emitter.emit('SIGTERM');
    assert.equal(await done, 1);
    assert.equal(flushed, false);
  });

  it('exits 1 when the steps outlast the bound', async () => {
    const { emitter, done } = harness([() => new Promise(() => undefined)], 20);
    emitter.emit('SIGTERM');
    assert.equal(await done, 1);
  });
});
