// The layer rule (infra/lint/layers.js) as `make lint` runs it: the repository's own eslint.config.js,
// fed small fixtures under the paths they pretend to live at. Each broken fixture must fail lint.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const RULE = 'layers/no-cross-layer-import';

async function layerErrors(filePath: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: ROOT });
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.filter((m) => m.ruleId === RULE).map((m) => m.message);
}

const BROKEN: Array<[file: string, code: string, says: RegExp]> = [
  ['backend/one/src/leak.ts', "import { x } from '@services/two';\n", /Service one imports service two/],
  [
    'backend/one/src/deep/leak.ts',
    "export * from '../../../two/src/config.js';\n",
    /Service one imports service two/,
  ],
  [
    'backend/two/src/leak.ts',
    "export { y } from '@services/one/src/y.js';\n",
    /Service two imports service one/,
  ],
  [
    'backend/two/test/unit/leak.test.ts',
    "await import('../../../one/src/main.js');\n",
    /Service two imports/,
  ],
  [
    'backend/pkg/kafka/src/leak.ts',
    "import { z } from '@services/one';\n",
    /backend\/pkg imports service one/,
  ],
  [
    'backend/pkg/config/src/leak.ts',
    "import '../../../two/src/config.js';\n",
    /backend\/pkg imports service two/,
  ],
];

const ALLOWED: Array<[file: string, code: string]> = [
  [
    'backend/one/src/ok.ts',
    "import { a } from './config.js';\nimport { b } from '../../pkg/kafka/src/index.js';\n",
  ],
  [
    'backend/one/test/unit/ok.test.ts',
    "import { c } from '../../src/config.js';\nimport { d } from '@pkg/config';\n",
  ],
  [
    'backend/pkg/kafka/src/ok.ts',
    "import { e } from '@pkg/logger';\nimport { f } from '../../logger/src/index.js';\n",
  ],
  ['infra/features/ok.ts', "import { g } from '../../backend/one/src/config.js';\n"],
];

describe('layer rule: services never import each other, backend/pkg never imports a service', () => {
  for (const [file, code, says] of BROKEN) {
    it(`fails lint for ${file}: ${code.trim()}`, async () => {
      const errors = await layerErrors(file, code);
      assert.equal(errors.length, 1, `expected one ${RULE} error, got ${JSON.stringify(errors)}`);
      assert.match(errors[0]!, says);
    });
  }
  for (const [file, code] of ALLOWED) {
    it(`allows ${file}`, async () => {
      assert.deepEqual(await layerErrors(file, code), []);
    });
  }
});
