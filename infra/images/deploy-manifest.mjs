// Lays out what one service's runtime image needs, in a folder of its own (the Dockerfile's
// /deploy): the service's package.json, config.yaml, prisma/migrations and compiled code (dist/
// without the tests, features and benchmarks); the backend/pkg libraries it depends on (the same),
// found by following @pkg/*
// dependencies; the health check; and a root package.json whose workspaces are only those
// folders, next to the repository's lockfile. `npm install --omit=dev` there then installs that
// service's production dependencies at the lockfile's versions, and nothing of the other service,
// the tests, the reference snippets or the tooling.
//   node infra/images/deploy-manifest.mjs <service> <target folder>
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const [service, target] = process.argv.slice(2);
if (!service || !target) {
  console.error('usage: node infra/images/deploy-manifest.mjs <service> <target folder>');
  process.exit(2);
}
const root = fileURLToPath(new URL('../../', import.meta.url));
const readJson = (path) => JSON.parse(readFileSync(join(root, path), 'utf8'));

const serviceDir = `backend/${service}`;
const workspaces = [serviceDir];
const pending = [readJson(`${serviceDir}/package.json`)];
while (pending.length > 0) {
  for (const name of Object.keys(pending.pop().dependencies ?? {})) {
    if (!name.startsWith('@pkg/')) continue;
    const dir = `backend/pkg/${name.slice('@pkg/'.length)}`;
    if (workspaces.includes(dir)) continue;
    workspaces.push(dir);
    pending.push(readJson(`${dir}/package.json`));
  }
}

// Compiled tests, features, benchmarks and build bookkeeping stay behind.
const NOT_RUNTIME = /\/dist\/(test|features|bench|scripts)(\/|$)|\.tsbuildinfo$/;
const copy = (from, to = from) => {
  if (!existsSync(join(root, from))) return;
  mkdirSync(dirname(join(target, to)), { recursive: true });
  cpSync(join(root, from), join(target, to), { recursive: true, filter: (path) => !NOT_RUNTIME.test(path) });
};
for (const dir of workspaces) {
  copy(`${dir}/package.json`);
  copy(`${dir}/dist`);
}
copy(`${serviceDir}/config.yaml`);
copy(`${serviceDir}/prisma/migrations`);
copy('package-lock.json');
copy('infra/images/healthcheck.mjs', 'healthcheck.mjs');

const manifest = readJson('package.json');
writeFileSync(
  join(target, 'package.json'),
  `${JSON.stringify({ name: manifest.name, private: true, type: manifest.type, engines: manifest.engines, workspaces }, null, 2)}\n`,
);
console.log(`[deploy-manifest] ${service}: ${workspaces.join(', ')}`);
