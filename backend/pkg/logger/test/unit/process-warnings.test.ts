import assert from 'node:assert/strict';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { createLogger, logProcessWarnings } from '../../src/index.js';
import { createSink } from './sink.js';

describe('logProcessWarnings', () => {
  // Emits a warning and waits until every 'warning' listener has seen it.
  async function emit(message: string, type: string): Promise<void> {
    const seen = once(process, 'warning');
    process.emitWarning(message, type);
    await seen;
  }

  it("logs a process warning as a JSON warn line, in place of Node's stderr printer", async () => {
    const nodePrinters = process.listeners('warning');
    const sink = createSink();
    const restore = logProcessWarnings(createLogger({ service: 'one', stream: sink.stream }));
    try {
      assert.equal(process.listenerCount('warning'), 1, "Node's own printer is no longer attached");
      await emit('something is off', 'TestWarning');
    } finally {
      restore();
    }
    const [line] = await sink.lines();
    assert.equal(line?.level, 'warn');
    assert.equal(line?.msg, 'process warning');
    assert.equal(line?.warning, 'TestWarning');
    assert.equal(line?.detail, 'something is off');
    assert.match(String(line?.stack), /process-warnings\.test\.ts/);
    assert.deepEqual(process.listeners('warning'), nodePrinters, 'restore gives them back');
  });

  it('logs a warning a `known` predicate recognises at debug level', async () => {
    const sink = createSink();
    const logger = createLogger({ service: 'one', level: 'debug', stream: sink.stream });
    const restore = logProcessWarnings(logger, [(warning) => warning.name === 'HarmlessWarning']);
    try {
      await emit('known', 'HarmlessWarning');
      await emit('unknown', 'OtherWarning');
    } finally {
      restore();
    }
    assert.deepEqual(
      (await sink.lines()).map(({ level, warning }) => [level, warning]),
      [
        ['debug', 'HarmlessWarning'],
        ['warn', 'OtherWarning'],
      ],
    );
  });
});
