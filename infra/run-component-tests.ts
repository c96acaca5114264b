// `npm run test:component`: finds the infrastructure, then runs every workspace's Gherkin suite.
// Endpoints come from the environment (the Makefile sets them in both modes); with none set and a
// Docker engine answering, testcontainers starts the pinned images; otherwise we stop at once.
import { spawn, spawnSync } from 'node:child_process';
import { infrastructureEnv, selectInfrastructure } from '@pkg/testkit';

interface Workspace {
  name: string;
  location: string;
  scripts?: Record<string, string>;
}

const dockerAvailable = () =>
  spawnSync('docker', ['info'], { stdio: 'ignore', timeout: 10_000 }).status === 0;

const source = selectInfrastructure(process.env, dockerAvailable());
let stopContainers: (() => Promise<void>) | undefined;
let env: NodeJS.ProcessEnv = process.env;

if (source.kind === 'missing') {
  console.error(source.message);
  process.exit(2);
} else if (source.kind === 'testcontainers') {
  console.log(
    'No infrastructure endpoints set and a Docker engine answers: starting pinned containers (testcontainers)',
  );
  const { startContainers } = await import('@pkg/testkit/containers');
  const started = await startContainers();
  stopContainers = started.stop;
  env = { ...process.env, ...infrastructureEnv(started.infrastructure) };
  const topics = spawnSync(
    'node',
    ['infra/create-topics.mjs', started.infrastructure.kafkaBrokers.join(',')],
    {
      stdio: 'inherit',
    },
  );
  if (topics.status !== 0) throw new Error('could not create the Kafka topics in the test container');
} else {
  env = { ...process.env, ...infrastructureEnv(source.infrastructure) };
}

const workspaces = JSON.parse(
  spawnSync('npm', ['query', '.workspace', '--json'], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 })
    .stdout,
) as Workspace[];
const suites = workspaces.filter((workspace) => workspace.scripts?.['test:component']);
const only = process.argv.slice(2);
const selected = only.length > 0 ? suites.filter((s) => only.some((o) => s.location.includes(o))) : suites;

const results: { name: string; status: number; scenarios: Record<string, number> }[] = [];
try {
  for (const suite of selected) {
    console.log(`\n=== ${suite.name} (${suite.location}) ===`);
    const output = await run(suite, env);
    results.push({ name: suite.name, ...output });
  }
} finally {
  await stopContainers?.();
}

const total = { passed: 0, failed: 0 };
console.log('\nComponent suites:');
for (const result of results) {
  const counts = Object.entries(result.scenarios)
    .map(([state, count]) => `${count} ${state}`)
    .join(', ');
  console.log(
    `  ${result.status === 0 ? 'ok  ' : 'FAIL'} ${result.name}: ${counts || 'no scenario summary'}`,
  );
  total.passed += result.scenarios.passed ?? 0;
  total.failed +=
    (result.scenarios.failed ?? 0) + (result.scenarios.undefined ?? 0) + (result.scenarios.ambiguous ?? 0);
  if (result.status !== 0 && !result.scenarios.failed) total.failed += 1;
}
console.log(`scenarios: ${total.passed} passed, ${total.failed} failed`);
process.exit(results.every((result) => result.status === 0) && results.length > 0 ? 0 : 1);

function run(suite: Workspace, childEnv: NodeJS.ProcessEnv) {
  return new Promise<{ status: number; scenarios: Record<string, number> }>((resolve) => {
    const child = spawn('npm', ['run', 'test:component', '-w', suite.name], {
      env: { ...childEnv, NODE_OPTIONS: '--conditions=source --import tsx' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let tail = '';
    child.stdout.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      tail = (tail + chunk.toString()).slice(-4096);
    });
    child.on('close', (code) => {
      const scenarios: Record<string, number> = {};
      const summary = /(\d+) scenarios? \(([^)]*)\)/.exec(tail);
      for (const part of summary?.[2]?.split(',') ?? []) {
        const [count, state] = part.trim().split(' ');
        if (count && state) scenarios[state] = Number(count);
      }
      resolve({ status: code ?? 1, scenarios });
    });
  });
}
