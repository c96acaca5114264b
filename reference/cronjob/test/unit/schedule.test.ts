import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { scheduleRetention } from '../../src/schedule.js';

describe('scheduleRetention', () => {
  it('skips a tick while the previous run is still going', async () => {
    let runs = 0;
    let skipped = 0;
    let finish = () => {};
    const job = scheduleRetention({
      pattern: '0 3 * * *',
      run: () => {
        runs += 1;
        return new Promise<void>((resolve) => (finish = resolve));
      },
      onSkipped: () => (skipped += 1),
      onError: (error) => assert.fail(String(error)),
    });
    try {
      const first = job.trigger();
      await job.trigger(); // fires while the first run is still pending
      assert.deepEqual({ runs, skipped }, { runs: 1, skipped: 1 });
      finish();
      await first;
    } finally {
      job.stop();
    }
  });
});
