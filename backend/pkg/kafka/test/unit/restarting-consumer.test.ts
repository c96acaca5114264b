import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import type { Consumer } from 'kafkajs';
import { restartingConsumer } from '../../src/index.js';

/** Just what restartingConsumer uses of a kafkajs consumer: its CRASH event and disconnect. */
function fakeConsumer(name: string, log: string[]) {
  const emitter = new EventEmitter();
  const consumer = {
    events: { CRASH: 'consumer.crash' },
    on: (event: string, listener: (event: unknown) => void) => emitter.on(event, listener),
    disconnect: async () => {
      log.push(`${name} disconnected`);
    },
    crash: (restart: boolean) =>
      emitter.emit('consumer.crash', {
        payload: { error: new Error('Failed to find group coordinator'), restart },
      }),
  };
  return consumer as unknown as Consumer & { crash(restart: boolean): void };
}

function setup({
  failStarts = 0,
  stopping = (): boolean => false,
}: { failStarts?: number; stopping?: () => boolean } = {}) {
  const log: string[] = [];
  const made: (Consumer & { crash(restart: boolean): void })[] = [];
  let failures = failStarts;
  const kept = restartingConsumer({
    create: () => {
      const consumer = fakeConsumer(`consumer ${made.length + 1}`, log);
      made.push(consumer);
      return consumer;
    },
    start: async (consumer) => {
      const name = `consumer ${made.indexOf(consumer as never) + 1}`;
      if (made.indexOf(consumer as never) > 0 && failures-- > 0) {
        log.push(`${name} failed to start`);
        throw new Error('broker still away');
      }
      log.push(`${name} started`);
    },
    isStopping: stopping,
    onRestart: (error) => log.push(`gave up: ${error.message}`),
    onStartFailed: () => log.push('start failed'),
    retryDelayMs: 10,
  });
  return { kept, made, log };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 100));

describe('restartingConsumer', () => {
  it('starts a new consumer when kafkajs gives up on the one in use (CRASH with restart: false)', async () => {
    const { kept, made, log } = setup();
    await kept.start();
    made[0]!.crash(false);
    await settle();
    assert.equal(made.length, 2);
    assert.equal(kept.current, made[1]);
    assert.deepEqual(log, [
      'consumer 1 started',
      'gave up: Failed to find group coordinator',
      'consumer 1 disconnected',
      'consumer 2 started',
    ]);
  });

  it('leaves a crash kafkajs restarts itself alone', async () => {
    const { kept, made } = setup();
    await kept.start();
    made[0]!.crash(true);
    await settle();
    assert.equal(made.length, 1);
  });

  it('keeps trying while the replacement cannot start', async () => {
    const { kept, made, log } = setup({ failStarts: 2 });
    await kept.start();
    made[0]!.crash(false);
    await settle();
    assert.equal(made.length, 4);
    assert.deepEqual(log.slice(-4), [
      'consumer 3 failed to start',
      'start failed',
      'consumer 3 disconnected',
      'consumer 4 started',
    ]);
    assert.equal(kept.current, made[3]);
  });

  it('starts nothing once the service stops, and disconnects the consumer in use', async () => {
    let stopping = false;
    const { kept, made, log } = setup({ stopping: () => stopping });
    await kept.start();
    stopping = true;
    made[0]!.crash(false);
    await kept.disconnect();
    assert.equal(made.length, 1);
    assert.deepEqual(log, ['consumer 1 started', 'consumer 1 disconnected']);
  });
});
