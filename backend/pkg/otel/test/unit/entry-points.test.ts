// The services' real entry points keep the order ESM instrumentation needs: everything main.ts loads
// statically (before startTelemetry() runs) must stay clear of the libraries the SDK patches, or
// their spans and log records silently vanish. sdk.test.ts shows the mechanism on a fixture; this
// checks the import graph of backend/one/src/main.ts and backend/two/src/main.ts themselves.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import ts from 'typescript';

const BACKEND = fileURLToPath(new URL('../../../../', import.meta.url));

/**
 * Packages the SDK instruments (sdk.ts INSTRUMENTATIONS), and our package that loads one of them.
 * kafkajs is not here: its instrumentation is off (@pkg/kafka makes the spans), so loading it early
 * loses nothing — two's config.ts does, for the topic names.
 */
const PATCHED = ['express', 'pg', 'winston', 'undici', '@prisma/', '@pkg/logger'];

/** Module specifiers a file imports statically at run time (`import type` and `import()` excluded). */
function staticImports(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest);
  return source.statements.flatMap((statement) =>
    ts.isImportDeclaration(statement) &&
    !statement.importClause?.isTypeOnly &&
    ts.isStringLiteral(statement.moduleSpecifier)
      ? [statement.moduleSpecifier.text]
      : [],
  );
}

/** The file a specifier names when it is ours (relative or @pkg/*); undefined for a package. */
function ourFile(from: string, specifier: string): string | undefined {
  if (specifier.startsWith('.')) return resolve(dirname(from), specifier.replace(/\.js$/, '.ts'));
  const pkg = /^@pkg\/([^/]+)$/.exec(specifier);
  if (pkg) return `${BACKEND}pkg/${pkg[1]}/src/index.ts`;
  return undefined;
}

/** Every package reached through static imports from `entry`, following our own files. */
function staticGraph(entry: string): { packages: Set<string>; files: Set<string> } {
  const packages = new Set<string>();
  const files = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const specifier of staticImports(file)) {
      packages.add(specifier);
      const next = ourFile(file, specifier);
      if (next && existsSync(next)) visit(next);
    }
  };
  visit(entry);
  return { packages, files };
}

describe('service entry points load telemetry before anything it patches', () => {
  for (const service of ['one', 'two']) {
    it(`backend/${service}/src/main.ts`, () => {
      const main = `${BACKEND}${service}/src/main.ts`;
      const { packages, files } = staticGraph(main);
      assert.ok(packages.has('@pkg/otel'), 'main.ts imports @pkg/otel statically');
      assert.ok(files.size > 1, 'the walk followed main.ts into its own modules');
      const early = [...packages].filter((name) => PATCHED.some((patched) => name.startsWith(patched)));
      assert.deepEqual(early, [], `loaded before startTelemetry(): ${early.join(', ')}`);
      assert.match(
        readFileSync(main, 'utf8'),
        /startTelemetry\([\s\S]*\bimport\('\.\/service\.js'\)/,
        'the service is imported dynamically after startTelemetry()',
      );
    });
  }
});
