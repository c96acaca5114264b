// The services' node flags (V8 heap sizing, docs/benchmarks/levers.md lever 7) cannot be set from
// inside the process, so every way of starting a service passes them: the image's NODE_OPTIONS
// (Kubernetes and compose run the image), the npm start/dev scripts (`make dev` runs `npm run dev`),
// `make one-up`/`two-up` (infra/native/lib.sh) and the benchmark harness's default. They must agree.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DEFAULT_SERVICE_NODE_FLAGS } from '../../bench/harness/system-under-test.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

describe("the services' node flags", () => {
  const flags = /^\s*NODE_OPTIONS="([^"]+)" \\$/m.exec(read('backend/Dockerfile'))?.[1];

  it('are set in the image as NODE_OPTIONS', () => {
    assert.match(flags ?? '', /^--max-semi-space-size=\d+ --max-old-space-size=\d+$/);
  });

  it('are passed by the npm start and dev scripts of every service and of the scaffold template', () => {
    for (const dir of ['backend/one', 'backend/two', 'infra/scaffold/template/backend/__name__']) {
      const { scripts } = JSON.parse(read(`${dir}/package.json`)) as { scripts: Record<string, string> };
      for (const name of ['start', 'dev'])
        assert.ok(scripts[name]?.startsWith(`node ${flags} `), `${dir} ${name}: ${scripts[name]}`);
    }
  });

  it('are passed by make one-up/two-up and by the benchmark harness by default', () => {
    assert.ok(read('infra/native/lib.sh').includes(`setsid nohup node ${flags} `), 'infra/native/lib.sh');
    assert.deepEqual(DEFAULT_SERVICE_NODE_FLAGS, flags!.split(' '), 'the benchmark harness default');
  });
});
