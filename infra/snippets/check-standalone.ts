// `make snippets-check`: proves that every reference/* snippet works once copied out of the
// monorepo. For each one it
//   1. checks that its package.json lists every package its code imports (a package that only
//      happens to be installed — hoisted from the monorepo, or pulled in by another dependency —
//      does not count) and that no import leaves the folder;
//   2. copies the folder (without node_modules and dist) into a fresh temporary directory;
//   3. writes a package-lock.json for the copy from the monorepo's lockfile: the same version of
//      every package the snippet needs, so the check is as stable as the monorepo's own install and
//      `npm ci` is served from npm's cache when the monorepo was installed on this machine;
//   4. runs `npm ci` and then `npm test` there, with the infrastructure's REDIS_URL and DATABASE_URL
//      and nothing of the monorepo's (no NODE_OPTIONS, no npm_* variables).
import { spawn } from 'node:child_process';
import { builtinModules } from 'node:module';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SKIP = new Set(['node_modules', 'dist']);

interface Manifest {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  scripts?: Record<string, string>;
}
interface LockEntry extends Manifest {
  link?: boolean;
  optional?: boolean;
  dev?: boolean;
  devOptional?: boolean;
  peer?: boolean;
}
interface Lockfile {
  lockfileVersion: number;
  packages: Record<string, LockEntry>;
}

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

function* sourceFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(path);
    else if (/\.(ts|mts|cts|js|mjs|cjs)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) yield path;
  }
}

const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+|\brequire\s*\(\s*)['"]([^'"]+)['"]/gm;
const PACKAGE_SPECIFIER = /^(?:@[a-z0-9][\w.~-]*\/)?[a-z0-9][\w.~-]*(?:\/.*)?$/;
const builtins = new Set(builtinModules);

/** Problems with what the snippet's code imports: unlisted packages, paths outside the folder. */
export function importProblems(dir: string, manifest: Manifest): string[] {
  const listed = new Set(
    [
      manifest.dependencies,
      manifest.devDependencies,
      manifest.peerDependencies,
      manifest.optionalDependencies,
    ].flatMap((deps) => Object.keys(deps ?? {})),
  );
  const problems: string[] = [];
  for (const file of sourceFiles(dir)) {
    const where = relative(dir, file);
    for (const [, specifier] of readFileSync(file, 'utf8').matchAll(SPECIFIER)) {
      if (!specifier || specifier.startsWith('node:') || builtins.has(specifier)) continue;
      if (specifier.startsWith('.') || specifier.startsWith('/')) {
        const target = resolve(dirname(file), specifier);
        if (relative(dir, target).startsWith('..'))
          problems.push(`${where} imports ${specifier}, outside the folder`);
        continue;
      }
      if (!PACKAGE_SPECIFIER.test(specifier)) continue; // text that only looks like an import
      const name = specifier
        .split('/')
        .slice(0, specifier.startsWith('@') ? 2 : 1)
        .join('/');
      if (!listed.has(name)) problems.push(`${where} imports ${name}, which package.json does not list`);
    }
  }
  return [...new Set(problems)];
}

/** The lock entry path that `name` resolves to from the package at `from` (Node's lookup, upwards). */
function resolveInLock(lock: Lockfile, from: string, name: string): string | undefined {
  let at = from;
  for (;;) {
    const candidate = `${at ? `${at}/` : ''}node_modules/${name}`;
    if (lock.packages[candidate]) return candidate;
    if (!at) return undefined;
    const parent = at.lastIndexOf('/node_modules/');
    at = parent === -1 ? '' : at.slice(0, parent);
  }
}

/**
 * A package-lock.json for the snippet alone: the monorepo lockfile's entries for everything the
 * snippet's dependencies need, at the same paths (the snippet's own nested entries move to the root).
 */
export function standaloneLock(lock: Lockfile, workspacePath: string, manifest: Manifest): Lockfile {
  const packages: Record<string, LockEntry> = {};
  const own = `${workspacePath}/node_modules/`;
  const queue: { from: string; name: string; optional: boolean }[] = Object.keys({
    ...manifest.dependencies,
    ...manifest.devDependencies,
    ...manifest.optionalDependencies,
  }).map((name) => ({ from: workspacePath, name, optional: name in (manifest.optionalDependencies ?? {}) }));
  while (queue.length > 0) {
    const { from, name, optional } = queue.shift()!;
    const path = resolveInLock(lock, from, name);
    if (!path) {
      if (optional) continue;
      throw new Error(
        `${name} (needed by ${from}) is not in the monorepo's package-lock.json: run npm install`,
      );
    }
    const entry = lock.packages[path]!;
    if (entry.link)
      throw new Error(`${name} is a workspace package of the monorepo: a copied snippet cannot use it`);
    const target = path.startsWith(own) ? `node_modules/${path.slice(own.length)}` : path;
    if (packages[target]) continue;
    // dev/peer flags describe the monorepo's tree, not the snippet's: npm recomputes them.
    const { dev: _dev, devOptional: _devOptional, peer: _peer, ...kept } = entry;
    packages[target] = kept;
    const optionalPeers = new Set(
      Object.entries(entry.peerDependenciesMeta ?? {})
        .filter(([, meta]) => meta.optional)
        .map(([peer]) => peer),
    );
    for (const [deps, isOptional] of [
      [entry.dependencies, false],
      [entry.optionalDependencies, true],
      [entry.peerDependencies, false],
    ] as const) {
      for (const dep of Object.keys(deps ?? {})) {
        queue.push({ from: path, name: dep, optional: isOptional || optionalPeers.has(dep) });
      }
    }
  }
  const { name, version, dependencies, devDependencies, optionalDependencies, peerDependencies } = manifest;
  return {
    lockfileVersion: lock.lockfileVersion,
    packages: {
      '': { name, version, dependencies, devDependencies, optionalDependencies, peerDependencies },
      ...Object.fromEntries(Object.entries(packages).sort(([a], [b]) => a.localeCompare(b))),
    },
  } as Lockfile;
}

/** The environment a user's shell would have: no monorepo NODE_OPTIONS, no npm_* from a parent npm. */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) => key !== 'NODE_OPTIONS' && key !== 'NODE_PATH' && !/^npm_/i.test(key),
    ),
  );
}

function run(command: string, args: string[], cwd: string, label: string): Promise<number> {
  return new Promise((resolveStatus) => {
    const child = spawn(command, args, { cwd, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    const prefix = (chunk: Buffer) =>
      chunk
        .toString()
        .split('\n')
        .filter((line) => line.length > 0)
        .map((line) => `[${label}] ${line}\n`)
        .join('');
    child.stdout.on('data', (chunk: Buffer) => process.stdout.write(prefix(chunk)));
    child.stderr.on('data', (chunk: Buffer) => process.stderr.write(prefix(chunk)));
    child.on('close', (code) => resolveStatus(code ?? 1));
  });
}

async function checkSnippet(dir: string, lock: Lockfile): Promise<{ ok: boolean; seconds: number }> {
  const started = Date.now();
  const name = basename(dir);
  const manifest = readJson<Manifest>(join(dir, 'package.json'));
  const problems = importProblems(dir, manifest);
  if (!manifest.scripts?.test) problems.push('package.json has no "test" script');
  if (problems.length > 0) {
    for (const problem of problems) console.error(`[${name}] ${problem}`);
    return { ok: false, seconds: (Date.now() - started) / 1000 };
  }
  const copy = join(mkdtempSync(join(tmpdir(), 'snippet-')), name);
  try {
    // Node looks for packages in every parent's node_modules: one there would hide a missing dependency.
    for (let parent = dirname(copy); ; parent = dirname(parent)) {
      if (existsSync(join(parent, 'node_modules'))) {
        throw new Error(`${join(parent, 'node_modules')} would leak into the copy`);
      }
      if (parent === dirname(parent)) break;
    }
    cpSync(dir, copy, { recursive: true, filter: (source) => !SKIP.has(basename(source)) });
    const lockfile = standaloneLock(lock, relative(repoRoot, dir), manifest);
    writeFileSync(join(copy, 'package-lock.json'), `${JSON.stringify(lockfile, null, 2)}\n`);
    console.log(
      `[${name}] copied to ${copy}; npm ci (${Object.keys(lockfile.packages).length - 1} packages)`,
    );
    const ok =
      (await run('npm', ['ci', '--no-audit', '--no-fund', '--prefer-offline'], copy, name)) === 0 &&
      (await run('npm', ['test'], copy, name)) === 0;
    return { ok, seconds: (Date.now() - started) / 1000 };
  } finally {
    rmSync(dirname(copy), { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const only = process.argv.slice(2);
  const snippets = readdirSync(join(repoRoot, 'reference'), { withFileTypes: true })
    .filter(
      (entry) => entry.isDirectory() && existsSync(join(repoRoot, 'reference', entry.name, 'package.json')),
    )
    .map((entry) => join(repoRoot, 'reference', entry.name))
    .filter((dir) => only.length === 0 || only.includes(basename(dir)));
  if (snippets.length === 0) throw new Error('no snippet found under reference/');
  const lock = readJson<Lockfile>(join(repoRoot, 'package-lock.json'));
  const results: { name: string; ok: boolean; seconds: number }[] = [];
  for (const dir of snippets) results.push({ name: basename(dir), ...(await checkSnippet(dir, lock)) });
  console.log('\nSnippets, each copied out of the monorepo, installed and tested:');
  for (const result of results)
    console.log(`  ${result.ok ? 'ok  ' : 'FAIL'} reference/${result.name} (${result.seconds.toFixed(0)} s)`);
  process.exit(results.every((result) => result.ok) ? 0 : 1);
}
