import pg from 'pg';
import { loadConfig } from './config.js';
import { purgeExpiredRequests } from './retention.js';
import { scheduleRetention } from './schedule.js';

// `main.ts` runs once and exits (what the Kubernetes CronJob runs);
// `main.ts --schedule` keeps running and fires on RETENTION_SCHEDULE instead.
const config = loadConfig(process.env);
const pool = new pg.Pool({ connectionString: config.databaseUrl, max: 2, application_name: 'retention-job' });
const log = (message: string, fields: Record<string, unknown> = {}) =>
  console.log(JSON.stringify({ time: new Date().toISOString(), job: 'retention', message, ...fields }));

async function runOnce() {
  const result = await purgeExpiredRequests(pool, {
    table: config.table,
    mode: config.mode,
    archiveTable: config.archiveTable,
    retentionMs: config.retentionDays * 24 * 60 * 60 * 1000,
    finalStatuses: config.finalStatuses,
    batchSize: config.batchSize,
    onBatch: (rows) => log('batch done', { rows }),
  });
  if (result.skipped) log('another run holds the lock; skipped');
  else log(`${config.mode === 'delete' ? 'deleted' : 'archived'} expired requests`, { ...result });
}

if (process.argv.includes('--schedule')) {
  const job = scheduleRetention({
    pattern: config.schedule,
    run: runOnce,
    onSkipped: () => log('previous run still going; tick skipped'),
    onError: (error) => log('run failed', { error: String(error) }),
  });
  log('scheduled', { pattern: config.schedule, next: job.nextRun()?.toISOString() });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      job.stop();
      void pool.end();
    });
  }
} else {
  try {
    await runOnce();
  } catch (error) {
    log('run failed', { error: String(error) });
    // A non-zero exit makes Kubernetes count the failure and apply backoffLimit.
    process.exitCode = 1;
  } finally {
    await pool.end();
  }
}
