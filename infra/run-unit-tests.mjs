// `npm run test:unit`: every `test/unit/**/*.test.ts` under the workspaces and observability/.
// Node 24's test runner expands globs itself, but a glob that matches nothing gives a green run of
// zero tests; this wrapper lists the files first and fails when there are none.
import { spawnSync } from 'node:child_process';
import { globSync } from 'node:fs';

const PATTERN = '{backend,reference,observability,infra}/**/test/unit/**/*.test.ts';
const SKIP = ['**/node_modules/**', '**/dist/**'];

const files = globSync(PATTERN, { exclude: SKIP }).sort();
if (files.length === 0) {
  console.error(`no unit test files match ${PATTERN}`);
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
