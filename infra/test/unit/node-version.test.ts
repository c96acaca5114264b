import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, globSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const versions = Object.fromEntries(
  read('infra/versions.env')
    .split('\n')
    .filter((line) => /^[A-Z_]+=/.test(line))
    .map((line) => line.split('=', 2) as [string, string]),
);
type PackageJson = { workspaces?: string[]; engines?: { node?: string } };
const root = JSON.parse(read('package.json')) as PackageJson;
const minimum = /^>=(\d+\.\d+(?:\.\d+)?)$/.exec(root.engines?.node ?? '')?.[1];

/** a >= b, for versions "X.Y" or "X.Y.Z". */
const atLeast = (a: string, b: string) => {
  const [x, y] = [a, b].map((v) => (v + '.0.0').split('.').slice(0, 3).map(Number)) as [number[], number[]];
  const i = x.findIndex((part, j) => part !== y[j]);
  return i === -1 || x[i]! > y[i]!;
};

describe('the pinned Node.js version', () => {
  const pinned = versions.NODE_VERSION;

  it('is one exact version in infra/versions.env, and NODE_IMAGE is that version', () => {
    assert.match(pinned ?? '', /^\d+\.\d+\.\d+$/);
    assert.equal(versions.NODE_IMAGE, `node:${pinned}-bookworm-slim`);
  });

  it('satisfies the engines of the root package.json (">=X.Y"), and every workspace states the same', () => {
    assert.ok(minimum, `root engines.node is ">=X.Y", not ${root.engines?.node}`);
    assert.ok(atLeast(pinned!, minimum), `NODE_VERSION ${pinned} >= ${minimum}`);
    const workspaces = globSync(
      (root.workspaces ?? []).map((w) => `${w}/package.json`),
      { cwd: ROOT },
    );
    assert.ok(workspaces.length >= 10, 'the workspaces were found');
    for (const file of workspaces) {
      const pkg = JSON.parse(read(file)) as PackageJson;
      assert.equal(pkg.engines?.node, root.engines?.node, `${file} engines.node`);
    }
  });

  it('has the major that .nvmrc and .node-version name', () => {
    for (const file of ['.nvmrc', '.node-version']) {
      assert.equal(read(file).trim(), pinned!.split('.')[0], file);
    }
  });
});

describe('infra/node.sh (which node the Makefile uses)', () => {
  const bin = mkdtempSync(join(tmpdir(), 'node-sh-'));
  after(() => rmSync(bin, { recursive: true, force: true }));
  // A fake `node` reporting VERSION, and an `npm` that fails: node.sh must never reach the registry here.
  const answer = (version: string) => {
    writeFileSync(join(bin, 'node'), `#!/bin/sh\necho ${version}\n`);
    writeFileSync(join(bin, 'npm'), '#!/bin/sh\nexit 1\n');
    chmodSync(join(bin, 'node'), 0o755);
    chmodSync(join(bin, 'npm'), 0o755);
    const run = spawnSync('bash', [join(ROOT, 'infra/node.sh')], {
      env: { PATH: `${bin}:/usr/bin:/bin` },
      encoding: 'utf8',
    });
    return { out: run.stdout.trim(), status: run.status, err: run.stderr };
  };

  it('answers "system" when the node on PATH is at least the minimum', () => {
    for (const version of [minimum!, '99.0.0', process.versions.node]) {
      assert.deepEqual(answer(version), { out: 'system', status: 0, err: '' }, version);
    }
  });

  it('does not accept an older node (compared as versions, not strings)', () => {
    const [major, minor] = minimum!.split('.').map(Number);
    for (const version of [`${major}.${minor! - 1}.9`, `${major! - 1}.99.0`, '9.0.0', '20.20.2']) {
      const { out, status, err } = answer(version);
      assert.notEqual(out, 'system', version);
      // Either the pinned build is already in .tools/ (its bin directory is the answer), or
      // fetching it failed with the fake npm, and says why.
      if (status === 0)
        assert.match(out, new RegExp(`/\\.tools/node-v${versions.NODE_VERSION}-[a-z]+-[a-z0-9]+/bin$`));
      else assert.match(err, new RegExp(`needs >= ${minimum!.replace(/\./g, '\\.')}`));
    }
  });
});
