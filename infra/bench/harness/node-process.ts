// A Node.js service run as a real child process, the way production runs it: its own pid, its own
// event loop, output to a log file. Tracks the peak resident set size (VmHWM, kept by the kernel)
// and can be stopped politely (SIGTERM) or killed (SIGKILL) for drills.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { REPO_ROOT } from './paths.js';

export interface NodeProcessOptions {
  name: string;
  script: string;
  args?: string[];
  cwd?: string;
  env?: Record<string, string>;
  logFile: string;
  /** Polled until it answers 200 (bounded by readyTimeoutMs). */
  readyUrl: string;
  readyTimeoutMs?: number;
  /** Extra node flags, e.g. --cpu-prof. */
  nodeFlags?: string[];
  /**
   * 'tsx' runs TypeScript through the loader (dev mode; adds a loader thread with its own heap);
   * 'none' runs compiled JavaScript the way production (`npm start`, the Dockerfiles) does.
   */
  loader?: 'tsx' | 'none';
}

export interface NodeProcess {
  name: string;
  pid: number;
  /** Highest VmHWM seen (bytes); read again on every call while the process lives. */
  peakRssBytes(): number;
  /** The resident set size now (VmRSS, bytes); 0 once the process is gone. */
  rssBytes(): number;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL, as a crash drill. */
  kill(): Promise<void>;
  exited(): boolean;
  /** The exit code once it exited on its own terms (null while running or when killed by a signal). */
  exitCode(): number | null;
}

export async function startNodeProcess(options: NodeProcessOptions): Promise<NodeProcess> {
  mkdirSync(dirname(options.logFile), { recursive: true });
  const log = openSync(options.logFile, 'a');
  const child = spawn(
    process.execPath,
    [
      ...(options.nodeFlags ?? []),
      ...(options.loader === 'none' ? [] : ['--conditions=source', '--import', 'tsx']),
      options.script,
      ...(options.args ?? []),
    ],
    { cwd: options.cwd ?? REPO_ROOT, env: { ...process.env, ...options.env }, stdio: ['ignore', log, log] },
  );
  closeSync(log);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${options.name} did not start`);
  let peak = 0;
  const sample = () => {
    if (child.exitCode === null && child.signalCode === null) peak = Math.max(peak, readPeakRss(pid));
    return peak;
  };
  const sampler = setInterval(sample, 500);
  sampler.unref();
  child.once('exit', () => clearInterval(sampler));

  const gone = (signal: NodeJS.Signals, graceMs: number) => terminate(child, signal, graceMs, sample);
  const handle: NodeProcess = {
    name: options.name,
    pid,
    peakRssBytes: sample,
    rssBytes: () => readStatusKb(pid, 'VmRSS') * 1024,
    stop: (graceMs = 15_000) => gone('SIGTERM', graceMs),
    kill: () => gone('SIGKILL', 0),
    exited: () => child.exitCode !== null || child.signalCode !== null,
    exitCode: () => child.exitCode,
  };
  try {
    await waitUntilReady(child, options);
  } catch (error) {
    await handle.kill();
    throw error;
  }
  return handle;
}

async function waitUntilReady(child: ChildProcess, options: NodeProcessOptions) {
  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`${options.name} exited (${child.exitCode}); see ${options.logFile}`);
    const status = await fetch(options.readyUrl).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200) return;
    if (Date.now() > deadline)
      throw new Error(`${options.name} not ready at ${options.readyUrl}; see ${options.logFile}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function terminate(child: ChildProcess, signal: NodeJS.Signals, graceMs: number, sample: () => number) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  sample();
  const exit = once(child, 'exit');
  child.kill(signal);
  const escalate = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exit;
  clearTimeout(escalate);
}

/** VmHWM from /proc: the kernel's own high-water mark of the resident set, so no peak is missed between samples. */
function readPeakRss(pid: number): number {
  return readStatusKb(pid, 'VmHWM') * 1024;
}

/** A `<field>: <n> kB` line of /proc/<pid>/status; 0 when the process is gone. */
function readStatusKb(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(
      readFileSync(`/proc/${pid}/status`, 'utf8'),
    );
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}
