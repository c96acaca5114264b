// Runs service one or two as a real child process, exactly as `npm run dev` would (minus --watch):
// `node --conditions=source --import tsx backend/<service>/src/main.ts`. Real processes are the
// point: the ESM instrumentation hook and the order of imports in main.ts are what is under test.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { eventually } from '@pkg/testkit';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export type ServiceName = 'one' | 'two';

export interface ServiceProcess {
  name: ServiceName;
  url: string;
  /** Everything the process wrote, line by line (stdout: the JSON log lines). */
  stdout: string[];
  stderr: string[];
  /** SIGTERM, then SIGKILL if it has not exited within the bound. */
  stop(): Promise<void>;
}

/** A port nothing listens on right now (the kernel picked it, then we let it go). */
export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** `npm run migrate -w @services/<name>`: the services' own offline migration path. */
export function migrate(name: ServiceName, env: NodeJS.ProcessEnv): void {
  const result = spawnSync('npm', ['run', '--silent', 'migrate', '-w', `@services/${name}`], {
    cwd: REPO_ROOT,
    env,
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (result.status !== 0)
    throw new Error(`migrating ${name} failed (${result.status}): ${result.stderr || result.stdout}`);
}

export async function startServiceProcess(
  name: ServiceName,
  port: number,
  env: NodeJS.ProcessEnv,
  { readyPath = '/readyz', readyTimeoutMs = 90_000 } = {},
): Promise<ServiceProcess> {
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', `backend/${name}/src/main.ts`],
    // NODE_OPTIONS of the test runner (tsx already loaded) must not leak into the service.
    { cwd: REPO_ROOT, env: { ...env, NODE_OPTIONS: '' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const stdout = collectLines(child, 'stdout');
  const stderr = collectLines(child, 'stderr');
  const exited = once(child, 'exit');
  const url = `http://127.0.0.1:${port}`;
  const service: ServiceProcess = { name, url, stdout, stderr, stop: () => stopProcess(child, exited) };
  try {
    await eventually(
      async () => {
        if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}`);
        const response = await fetch(`${url}${readyPath}`).catch(() => undefined);
        return response?.status === 200 ? true : undefined;
      },
      { timeoutMs: readyTimeoutMs, intervalMs: 250, message: `${name} ready on ${url}${readyPath}` },
    );
  } catch (error) {
    await service.stop();
    throw new Error(
      `${(error as Error).message}\n--- ${name} stdout ---\n${stdout.join('\n')}\n--- stderr ---\n${stderr.join('\n')}`,
      { cause: error },
    );
  }
  return service;
}

function collectLines(child: ChildProcess, stream: 'stdout' | 'stderr'): string[] {
  const lines: string[] = [];
  let partial = '';
  child[stream]?.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
  });
  return lines;
}

async function stopProcess(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  try {
    await exited;
  } finally {
    clearTimeout(killer);
  }
}
