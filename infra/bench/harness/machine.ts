// What every result file records about where it was measured: figures from a shared 2-core box
// mean little without the machine, its load at the start and the versions involved.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { promisify } from 'node:util';
import pg from 'pg';
import { REPO_ROOT } from './paths.js';
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
  kafkajs: string;
  pg: string;
  wrk: string;
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
      'PostgreSQL, Kafka (JVM), one, two, the stub, wrk and the harness all share these cores, ' +
      "and other engineers' builds and tests may run at the same time (see the load average).",
  };
}

export async function describeVersions(postgresUrl: string): Promise<VersionsReport> {
  const client = new pg.Client({ connectionString: `${postgresUrl}/postgres` });
  await client.connect();
  try {
    const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
    return {
      node: process.version,
      postgres: rows[0]?.server_version ?? 'unknown',
      kafka: pinnedKafkaVersion(),
      kafkajs: installedVersion('kafkajs'),
      pg: installedVersion('pg'),
      wrk: await wrkVersion(),
      autocannon: installedVersion('autocannon'),
    };
  } finally {
    await client.end();
  }
}

/** The version of a package installed at the root of the workspace. */
export function installedVersion(name: string): string {
  try {
    const manifest = JSON.parse(readFileSync(`${REPO_ROOT}node_modules/${name}/package.json`, 'utf8')) as {
      version?: string;
    };
    return manifest.version ?? 'unknown';
  } catch {
    return 'not installed';
  }
}

/** `wrk --version` prints "wrk debian/4.1.0-3+b2 [epoll] ..." and exits 1. */
async function wrkVersion(): Promise<string> {
  const output = await run('wrk', ['--version']).then(
    ({ stdout }) => stdout,
    (error: { stdout?: string }) => error.stdout ?? '',
  );
  return /^wrk (\S+)/m.exec(output)?.[1] ?? 'not installed';
}
