// `make test-images` (part of `make test`), after test-images.sh has built one and two from
// backend/Dockerfile: runs the images against the native infrastructure (host network) the way a
// deployment does, and fails on the first step that does not hold:
//   1. each service's migrate command, read from its compose file (not copied), on a fresh database;
//   2. each service; /healthz and /readyz answer 200;
//   3. each image's HEALTHCHECK command, run inside its container, passes;
//   4. the README's example request, POSTed to the containerized one, reaches DELIVERED through the
//      containerized two (token and /three from the native WireMock);
//   5. SIGTERM to both → each exits 0.
// Containers are removed at the end whatever happened; test-images.sh removes images and storage.
//
// Environment: ONE_DATABASE_URL, TWO_DATABASE_URL (their server is used, with databases of its
// own), KAFKA_BROKERS, WIREMOCK_URL (the Makefile exports all four), IMAGE_TAG (default local).
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setTimeout as delay } from 'node:timers/promises';
import { promisify } from 'node:util';
import { eventually } from '@pkg/testkit';
import pg from 'pg';
import { parse } from 'yaml';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ENGINE = `${ROOT}infra/images/engine.sh`;
const TAG = process.env.IMAGE_TAG ?? 'local';
const RUN_ID = `${process.pid}`;
const STEP_TIMEOUT_MS = 120_000;

interface Service {
  name: 'one' | 'two';
  port: number;
  database: string;
  env: Record<string, string>;
}

const SERVICES: Service[] = [
  {
    name: 'one',
    port: Number(process.env.IMAGES_ONE_PORT ?? 18_099),
    database: databaseUrl(required('ONE_DATABASE_URL'), `one_image_${RUN_ID}`),
    env: { KAFKA_BROKERS: required('KAFKA_BROKERS') },
  },
  {
    name: 'two',
    port: Number(process.env.IMAGES_TWO_PORT ?? 18_082),
    database: databaseUrl(required('TWO_DATABASE_URL'), `two_image_${RUN_ID}`),
    env: {
      KAFKA_BROKERS: required('KAFKA_BROKERS'),
      WIREMOCK_URL: required('WIREMOCK_URL'),
      TWO_AUTH__CLIENT_SECRET: 'image-test-secret',
    },
  },
];

const started: string[] = [];
let failed = false;
try {
  for (const service of SERVICES) await createDatabase(service.database);
  for (const service of SERVICES) await migrate(service);
  for (const service of SERVICES) await start(service);
  for (const service of SERVICES) await healthy(service);
  await exampleRequestIsDelivered();
  for (const service of SERVICES) await stopsCleanly(service);
  console.log('[test-images] PASS: migrate, start, health, HEALTHCHECK, DELIVERED, SIGTERM → exit 0');
} catch (error) {
  failed = true;
  console.error(`[test-images] FAIL: ${error instanceof Error ? error.message : String(error)}`);
  for (const name of started) {
    const logs = await engine(['logs', '--tail', '40', name]).catch(() => ({ stdout: '', stderr: '' }));
    console.error(`--- last log lines of ${name} ---\n${logs.stdout}${logs.stderr}`);
  }
} finally {
  for (const name of started) await engine(['rm', '-f', name]).catch(() => undefined);
  for (const service of SERVICES) await dropDatabase(service.database).catch(() => undefined);
}
process.exitCode = failed ? 1 : 0;

/** 1. The migrate command exactly as the service's compose file defines it. */
async function migrate(service: Service): Promise<void> {
  const compose = parse(readFileSync(`${ROOT}backend/${service.name}/docker-compose.yml`, 'utf8')) as {
    services: Record<string, { command?: string[] }>;
  };
  const command = compose.services[`${service.name}-migrate`]?.command;
  if (!Array.isArray(command))
    throw new Error(`backend/${service.name}/docker-compose.yml has no ${service.name}-migrate command`);
  const { stdout } = await engine([
    'run',
    '--rm',
    '--network',
    'host',
    '-e',
    `${service.name.toUpperCase()}_DATABASE_URL=${service.database}`,
    `${service.name}:${TAG}`,
    ...command,
  ]);
  if (!/\b1 applied\b|\b[1-9]\d* applied\b/.test(stdout))
    throw new Error(`${service.name}'s migrate command applied nothing: ${stdout}`);
  console.log(`[test-images] ${service.name}: ${command.join(' ')} → ${stdout.trim().split('\n').at(-1)}`);
}

/** 2. The service itself, detached, on the host network, with its default command. */
async function start(service: Service): Promise<void> {
  const prefix = service.name.toUpperCase();
  const name = containerName(service);
  const env = {
    ...service.env,
    [`${prefix}_DATABASE_URL`]: service.database,
    [`${prefix}_HTTP__PORT`]: String(service.port),
  };
  await engine([
    'run',
    '-d',
    '--name',
    name,
    '--network',
    'host',
    ...Object.entries(env).flatMap(([key, value]) => ['-e', `${key}=${value}`]),
    `${service.name}:${TAG}`,
  ]);
  started.push(name);
}

/** 2 and 3: /healthz and /readyz answer 200; the image's HEALTHCHECK command passes inside the container. */
async function healthy(service: Service): Promise<void> {
  const name = containerName(service);
  for (const path of ['/healthz', '/readyz']) {
    const deadline = Date.now() + STEP_TIMEOUT_MS;
    for (;;) {
      const response = await fetch(`http://127.0.0.1:${service.port}${path}`).catch(() => undefined);
      if (response?.status === 200) break;
      // A container that exited will never answer: say so now rather than at the bound.
      const { stdout: running } = await engine(['inspect', '--format', '{{.State.Running}}', name]);
      if (running.trim() !== 'true')
        throw new Error(`${service.name}'s container exited before ${path} answered`);
      if (Date.now() > deadline)
        throw new Error(`${service.name} ${path}: no 200 within ${STEP_TIMEOUT_MS / 1_000} s`);
      await delay(500);
    }
  }
  const { stdout } = await engine(['inspect', '--format', '{{json .Config.Healthcheck.Test}}', name]);
  const test = JSON.parse(stdout) as string[] | null;
  if (!test || test[0] !== 'CMD')
    throw new Error(`${service.name}'s image has no exec-form HEALTHCHECK (got ${stdout.trim()})`);
  await engine(['exec', name, ...test.slice(1)]);
  console.log(
    `[test-images] ${service.name}: /healthz, /readyz 200; HEALTHCHECK ${test.slice(1).join(' ').slice(0, 40)}… passed`,
  );
}

/** 4. The README's example request, sent as the README sends it, until DELIVERED. */
async function exampleRequestIsDelivered(): Promise<void> {
  const readme = readFileSync(`${ROOT}README.md`, 'utf8');
  const body = /curl -i -X POST localhost:8099\/one [^\n]*\\\n\s*-d '([^']+)'/.exec(readme)?.[1];
  if (!body) throw new Error("README.md has no `curl -i -X POST localhost:8099/one … -d '…'` example");
  const oneUrl = `http://127.0.0.1:${SERVICES[0]!.port}`;
  const response = await fetch(`${oneUrl}/one`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  if (response.status !== 201)
    throw new Error(`POST /one answered ${response.status}: ${await response.text()}`);
  const { request_id: id } = (await response.json()) as { request_id: string };
  let status = '';
  await eventually(
    async () => {
      status = ((await (await fetch(`${oneUrl}/one/${id}`)).json()) as { status: string }).status;
      return status === 'DELIVERED';
    },
    {
      timeoutMs: STEP_TIMEOUT_MS,
      intervalMs: 500,
      message: `request ${id} DELIVERED (last status: ${status})`,
    },
  );
  console.log(`[test-images] POST /one → 201 ${id} → ${status} through the containerized two`);
}

/** 5. SIGTERM → exit code 0 within the engine's wait. */
async function stopsCleanly(service: Service): Promise<void> {
  const name = containerName(service);
  await engine(['kill', '--signal', 'TERM', name]);
  const { stdout } = await engine(['wait', name]);
  const code = Number(stdout.trim().split('\n').at(-1));
  if (code !== 0) throw new Error(`${service.name} exited ${code} after SIGTERM`);
  console.log(`[test-images] ${service.name}: SIGTERM → exit 0`);
}

function containerName(service: Service): string {
  return `${service.name}-image-test-${RUN_ID}`;
}

async function engine(args: string[]): Promise<{ stdout: string; stderr: string }> {
  try {
    return await run('bash', [ENGINE, ...args], { timeout: STEP_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    const { stderr, stdout } = error as { stderr?: string; stdout?: string };
    throw new Error(`${args.slice(0, 2).join(' ')} failed: ${(stderr || stdout || String(error)).trim()}`, {
      cause: error,
    });
  }
}

async function createDatabase(url: string): Promise<void> {
  await admin(url, (name) => `DROP DATABASE IF EXISTS "${name}"`);
  await admin(url, (name) => `CREATE DATABASE "${name}"`);
}

async function dropDatabase(url: string): Promise<void> {
  await admin(url, (name) => `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
}

/** A statement about the database `url` names, run from the server's `postgres` database. */
async function admin(url: string, statement: (name: string) => string): Promise<void> {
  const target = new URL(url);
  const name = target.pathname.slice(1);
  target.pathname = '/postgres';
  const client = new pg.Client({ connectionString: target.toString() });
  await client.connect();
  try {
    await client.query(statement(name));
  } finally {
    await client.end();
  }
}

function databaseUrl(base: string, database: string): string {
  const url = new URL(base);
  url.pathname = `/${database}`;
  return url.toString();
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (the Makefile exports it)`);
  return value;
}
