// `make new-service NAME=<name>`: generates backend/<name> from infra/scaffold/template — a Kafka
// consumer service wired with @pkg/config, @pkg/otel, @pkg/kafka, @pkg/logger and @pkg/lifecycle,
// health and metrics endpoints, a unit test, a Gherkin feature against real Kafka, compose and
// Kubernetes entries — and registers it: npm workspaces, tsconfig references, the Makefile's compose
// concerns, `make images`, the topic lists, deploy/k8s/base. Refuses names that are not valid or clash.
//   node infra/scaffold/new-service.mjs <name> [--root <repository>] [--no-install]
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';

const TEMPLATE = fileURLToPath(new URL('template', import.meta.url));
const TEMPLATE_PORT = '18999';
/** Names the Makefile, compose projects or shared environment variables already use. */
const RESERVED = new Set([
  'pkg',
  'kafka',
  'postgres',
  'redis',
  'wiremock',
  'observability',
  'network',
  'infra',
  'otel',
  'node',
  'npm',
  'all',
  'dev',
  'up',
  'down',
  'test',
  'images',
  'demo',
  'help',
  'deps',
  'tools',
  'clean',
]);

const args = process.argv.slice(2);
const name = args.find((arg) => !arg.startsWith('--') && args[args.indexOf(arg) - 1] !== '--root');
const root = args.includes('--root')
  ? args[args.indexOf('--root') + 1]
  : fileURLToPath(new URL('../..', import.meta.url));
const install = !args.includes('--no-install');

function refuse(reason) {
  console.error(`[new-service] refused: ${reason}`);
  process.exit(1);
}

const read = (path) => readFileSync(join(root, path), 'utf8');
const write = (path, text) => writeFileSync(join(root, path), text);
/** Replaces `from` in a file once; a file that lacks it means the repository changed under us. */
function edit(path, from, to) {
  const text = read(path);
  if (!text.includes(from))
    refuse(`${path} no longer contains ${JSON.stringify(from)}; register ${name} there by hand`);
  write(path, text.replace(from, to));
}

// --- the name --------------------------------------------------------------------------------------
if (!name) refuse('usage: make new-service NAME=<name> (lowercase letters, digits, dashes)');
if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(name) || name.length > 30)
  refuse(`'${name}' is not a valid name: lowercase letters and digits, single dashes between, at most 30`);
if (RESERVED.has(name))
  refuse(`'${name}' is reserved (a Makefile target, compose project or shared variable)`);
const services = readdirSync(join(root, 'backend')).filter(
  (entry) => entry !== 'pkg' && statSync(join(root, 'backend', entry)).isDirectory(),
);
if (services.includes(name) || existsSync(join(root, 'backend', name)))
  refuse(`backend/${name} already exists`);
const prefix = name.toUpperCase().replaceAll('-', '_');
const clash = services.find((s) => {
  const other = s.toUpperCase().replaceAll('-', '_');
  return prefix.startsWith(`${other}_`) || other.startsWith(`${prefix}_`);
});
if (clash) refuse(`the env prefix ${prefix}_ overlaps service ${clash}'s (${clash.toUpperCase()}_)`);

// --- a free port: the lowest from 8083 that no service, image or README "Ports" row uses ---------
const used = new Set(
  [
    /^## Ports\n[\s\S]*?^## /m.exec(read('README.md'))?.[0] ?? '',
    read('infra/images/images.sh'),
    ...services.map((s) => read(`backend/${s}/config.yaml`)),
  ]
    .join('\n')
    .match(/\b\d{4,5}\b/g),
);
let port = 8083;
while (used.has(String(port))) port += 1;

// --- generate --------------------------------------------------------------------------------------
const generated = [];
function copyTemplate(dir) {
  for (const entry of readdirSync(join(TEMPLATE, dir), { withFileTypes: true })) {
    const from = join(dir, entry.name);
    const to = from.replaceAll('__name__', name);
    if (entry.isDirectory()) {
      copyTemplate(from);
      continue;
    }
    const text = readFileSync(join(TEMPLATE, from), 'utf8')
      .replaceAll('__name__', name)
      .replaceAll('__PREFIX__', prefix)
      .replaceAll(TEMPLATE_PORT, String(port));
    cpSync(join(TEMPLATE, from), join(root, to)); // creates the folders
    write(to, text);
    generated.push(to);
  }
}
copyTemplate('.');

// --- register --------------------------------------------------------------------------------------
const pkg = JSON.parse(read('package.json'));
const lastService = pkg.workspaces.findLastIndex((w) => w.startsWith('backend/') && w !== 'backend/pkg/*');
pkg.workspaces.splice(lastService + 1, 0, `backend/${name}`);
write('package.json', `${JSON.stringify(pkg, null, 2)}\n`);

const tsconfig = JSON.parse(read('tsconfig.json'));
tsconfig.references.push({ path: `./backend/${name}` });
write('tsconfig.json', `${JSON.stringify(tsconfig, null, 2)}\n`);

edit(
  'Makefile',
  'COMPOSE_FILES_two := backend/two/docker-compose.yml\n',
  `COMPOSE_FILES_two := backend/two/docker-compose.yml\nCOMPOSE_FILES_${name} := backend/${name}/docker-compose.yml\n`,
);
const concerns = /^COMPOSE_CONCERNS := (.*)$/m.exec(read('Makefile'));
if (!concerns) refuse('the Makefile has no COMPOSE_CONCERNS line');
edit('Makefile', concerns[0], `COMPOSE_CONCERNS := ${concerns[1]} ${name}`);

const imagesLine = /images\.sh build (.*)$/m.exec(read('Makefile'));
if (!imagesLine) refuse('the Makefile has no images.sh build line');
edit('Makefile', imagesLine[0], `images.sh build ${imagesLine[1]} ${name}`);
const ports = /^declare -A HTTP_PORTS=\((.*)\)$/m.exec(read('infra/images/images.sh'));
if (!ports) refuse('infra/images/images.sh has no HTTP_PORTS map');
edit('infra/images/images.sh', ports[0], `declare -A HTTP_PORTS=(${ports[1]} [${name}]=${port})`);

edit(
  'infra/create-topics.mjs',
  '];\n',
  `  { topic: '${name}-events', numPartitions: 3, replicationFactor: 1 },\n];\n`,
);
const topicSpecs = /for spec in ([^;]*); do/.exec(read('docker-compose.kafka.yml'));
if (!topicSpecs) refuse('docker-compose.kafka.yml has no topic loop');
edit('docker-compose.kafka.yml', topicSpecs[0], `for spec in ${topicSpecs[1]} ${name}-events:3; do`);

const kustomization = parseDocument(read('deploy/k8s/base/kustomization.yaml'));
kustomization.get('resources').add(`${name}/deployment.yaml`);
kustomization.get('resources').add(`${name}/service.yaml`);
kustomization
  .get('configMapGenerator')
  .add(kustomization.createNode({ name: `${name}-config`, files: [`config.yaml=${name}/config.yaml`] }));
write('deploy/k8s/base/kustomization.yaml', kustomization.toString());

execFileSync(
  'npx',
  ['prettier', '--log-level', 'warn', '--write', 'package.json', 'tsconfig.json', `backend/${name}`],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
if (install) {
  // Links the new workspace and records it in package-lock.json; every dependency is already there.
  execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], {
    cwd: root,
    stdio: 'inherit',
  });
}
console.log(`[new-service] backend/${name}: port ${port}, env prefix ${prefix}_, topic ${name}-events`);
console.log(`[new-service] ${generated.length} files; registered in package.json, tsconfig.json, Makefile,`);
console.log(
  '[new-service] infra/images/images.sh, infra/create-topics.mjs, docker-compose.kafka.yml, deploy/k8s/base',
);
console.log(
  `[new-service] next: make typecheck && make test-unit && make test-component SUITE=backend/${name}`,
);
