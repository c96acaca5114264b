// Where the CPU went during a phase: each process of the system under test (PostgreSQL counted
// with all its backends), the load generator (wrk, a child of the harness: its CPU is read from the
// harness's reaped-children time once it exited), the harness itself, and whatever else the shared
// machine ran. On 2 shared
// cores this tells "one is slow" apart from "one waited for a core", and CPU per request or message
// is a figure that holds up when the load average moves.
import { readdirSync, readFileSync } from 'node:fs';

/** USER_HZ: /proc reports CPU time in ticks of 1/100 s on Linux. */
const TICKS_PER_SECOND = 100;

export interface CpuSources {
  one: number;
  two: number;
  stub: number;
  /** The postmaster's pid; its backends are its children. */
  postgres: number | undefined;
  kafka: number | undefined;
  /** The private Redis of the jwt variant, when it runs. */
  redis?: number | undefined;
}

export type CpuSeconds = Record<
  | 'one'
  | 'two'
  | 'stub'
  | 'postgres'
  | 'kafka'
  | 'redis'
  | 'loadGenerator'
  | 'harness'
  | 'otherWork'
  | 'machine',
  number
>;

/** The parts of the system under test (not the stub, the generator or the harness). */
export const SYSTEM_PARTS = ['one', 'two', 'postgres', 'kafka', 'redis'] as const;

/** Starts counting; the returned function gives the CPU seconds each source used since. */
export function startCpuMeter(sources: () => CpuSources): () => CpuSeconds {
  const before = snapshot(sources());
  return () => {
    const after = snapshot(sources());
    const used = Object.fromEntries(
      Object.keys(after).map((key) => [
        key,
        round(after[key as keyof CpuSeconds] - before[key as keyof CpuSeconds]),
      ]),
    ) as CpuSeconds;
    const ours =
      used.one +
      used.two +
      used.stub +
      used.postgres +
      used.kafka +
      used.redis +
      used.loadGenerator +
      used.harness;
    return { ...used, otherWork: round(Math.max(0, used.machine - ours)) };
  };
}

function snapshot(sources: CpuSources): CpuSeconds {
  const own = process.cpuUsage();
  return {
    one: processSeconds(sources.one),
    two: processSeconds(sources.two),
    stub: processSeconds(sources.stub),
    postgres: sources.postgres === undefined ? 0 : withChildrenSeconds(sources.postgres),
    kafka: sources.kafka === undefined ? 0 : processSeconds(sources.kafka),
    redis: sources.redis === undefined ? 0 : processSeconds(sources.redis),
    loadGenerator: reapedChildrenSeconds(),
    harness: (own.user + own.system) / 1e6,
    otherWork: 0,
    machine: machineBusySeconds(),
  };
}

/** utime + stime of every thread of `pid`. */
export function processSeconds(pid: number): number {
  const fields = statFields(`/proc/${pid}/stat`);
  return fields ? (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND : 0;
}

/**
 * A parent and its children: the live ones from their own stat, the exited ones from the parent's
 * cutime/cstime (a PostgreSQL backend that closes moves its CPU time there when it is reaped).
 */
function withChildrenSeconds(pid: number): number {
  const own = statFields(`/proc/${pid}/stat`);
  let total = own
    ? (Number(own[11]) + Number(own[12]) + Number(own[13]) + Number(own[14])) / TICKS_PER_SECOND
    : 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = statFields(`/proc/${entry}/stat`);
    if (fields && Number(fields[1]) === pid) total += processSeconds(Number(entry));
  }
  return total;
}

/**
 * CPU time of the harness's children that exited and were reaped (cutime + cstime of this
 * process): wrk, started and awaited inside a phase, is all of it (services stop outside phases).
 */
function reapedChildrenSeconds(): number {
  const own = statFields('/proc/self/stat');
  return own ? (Number(own[13]) + Number(own[14])) / TICKS_PER_SECOND : 0;
}

/** Busy time of all cores (everything but idle and iowait), whoever used it. */
function machineBusySeconds(): number {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = cpu;
  return (user + nice + system + irq + softirq + steal) / TICKS_PER_SECOND;
}

/** The fields after the command name (which may contain spaces): 1 ppid, 11/12 utime/stime, 13/14 cutime/cstime. */
function statFields(path: string): string[] | undefined {
  try {
    const text = readFileSync(path, 'utf8');
    return text.slice(text.lastIndexOf(') ') + 2).split(' ');
  } catch {
    return undefined;
  }
}

function round(seconds: number): number {
  return Number(seconds.toFixed(2));
}
