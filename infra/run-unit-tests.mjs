// `npm run test:unit`: every `test/unit/**/*.test.ts` under the workspaces and observability/.
// (Node 20's test runner does not expand globs itself, and sh has no `**`.)
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOTS = ['backend', 'reference', 'observability', 'infra'];
const SKIP = new Set(['node_modules', 'dist', 'generated', '.data']);

function* walk(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else if (entry.name.endsWith('.test.ts') && /(^|\/)test\/unit\//.test(path)) yield path;
  }
}

const files = ROOTS.flatMap((root) => [...walk(root)])
  .map((file) => relative('.', file))
  .sort();
if (files.length === 0) {
  console.error('no unit test files found');
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  [
    '--conditions=source',
    '--import',
    'tsx',
    '--test',
    '--test-reporter=spec',
    ...process.argv.slice(2),
    ...files,
  ],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
