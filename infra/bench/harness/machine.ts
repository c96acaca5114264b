// What every result file records about where it was measured: figures from a shared 2-core box
// mean little without the machine, its load at the start and the versions involved.
import { execFile } from 'node:child_process';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { promisify } from 'node:util';
import pg from 'pg';
import { pinnedKafkaVersion } from './private-infrastructure.js';

const run = promisify(execFile);

export interface MachineReport {
  nproc: number;
  cpuModel: string;
  memoryGiB: number;
  loadAverageAtStart: [number, number, number];
  sharedWithOtherWork: string;
}

export interface VersionsReport {
  node: string;
  postgres: string;
  kafka: string;
  autocannon: string;
}

export function describeMachine(): MachineReport {
  const [one, five, fifteen] = loadavg().map((value) => Number(value.toFixed(2)));
  return {
    nproc: availableParallelism(),
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Number((totalmem() / 2 ** 30).toFixed(1)),
    loadAverageAtStart: [one ?? 0, five ?? 0, fifteen ?? 0],
    sharedWithOtherWork:
      'PostgreSQL, Kafka (JVM), one, two, the stub and the load generator all share these cores, ' +
      "and other engineers' builds and tests may run at the same time (see the load average).",
  };
}

export async function describeVersions(postgresUrl: string): Promise<VersionsReport> {
  const client = new pg.Client({ connectionString: `${postgresUrl}/postgres` });
  await client.connect();
  try {
    const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
    const { stdout } = await run('npm', ['ls', 'autocannon', '--depth=0', '--json']).catch(() => ({
      stdout: '{}',
    }));
    const autocannon = (JSON.parse(stdout) as { dependencies?: { autocannon?: { version?: string } } })
      .dependencies?.autocannon?.version;
    return {
      node: process.version,
      postgres: rows[0]?.server_version ?? 'unknown',
      kafka: pinnedKafkaVersion(),
      autocannon: autocannon ?? 'unknown',
    };
  } finally {
    await client.end();
  }
}
