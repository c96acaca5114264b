// `node --import tsx infra/bench/summarize-profile.ts <file.cpuprofile> [top]`: self time per
// function and per package of a V8 CPU profile (what `make bench` writes with BENCH_CPU_PROF=1),
// so "what limits it" in the analysis is read off a profile, not guessed.
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, topArgument] = process.argv.slice(2);
if (!file) throw new Error('usage: summarize-profile.ts <file.cpuprofile> [top]');
const top = Number(topArgument ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const selfMs = new Map<number, number>();
profile.samples.forEach((id, index) =>
  selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0) / 1_000),
);
const total = [...selfMs.values()].reduce((sum, ms) => sum + ms, 0);

const add = (map: Map<string, number>, key: string, ms: number) => map.set(key, (map.get(key) ?? 0) + ms);
const functions = new Map<string, number>();
const packages = new Map<string, number>();
for (const [id, ms] of selfMs) {
  const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
  add(functions, `${functionName || '(anonymous)'} ${shortUrl(url)}:${lineNumber + 1}`, ms);
  add(packages, packageOf(url, functionName), ms);
}

const print = (title: string, map: Map<string, number>) => {
  console.log(`\n${title}`);
  for (const [name, ms] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`${((100 * ms) / total).toFixed(1).padStart(5)} %  ${ms.toFixed(0).padStart(7)} ms  ${name}`);
};
console.log(`${file}: ${(total / 1_000).toFixed(1)} s of samples`);
print('self time by package', packages);
print('self time by function', functions);

function shortUrl(url: string): string {
  return url.replace(/^file:\/\/.*?\/(node_modules|backend|infra)\//, '$1/');
}

function packageOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const module = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (module) return module[1]!;
  if (url.startsWith('node:')) return 'node core';
  return /\/(backend\/[^/]+(?:\/[^/]+)?)\//.exec(url)?.[1] ?? 'other';
}
