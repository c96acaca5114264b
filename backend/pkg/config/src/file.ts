import { readFileSync } from 'node:fs';
import { parse, YAMLParseError } from 'yaml';
import type { ConfigIssue } from './errors.js';
import { isPlainObject } from './paths.js';
import type { Shape } from './schema-shape.js';

export const FILE_KEY = 'config file';

export type FileResult = { ok: true; values: Record<string, unknown> } | { ok: false; issue: ConfigIssue };

/** Reads a YAML config file; a file that was asked for but cannot be used is always an error. */
export function readConfigFile(file: string, source: string): FileResult {
  const fail = (reason: string): FileResult => ({
    ok: false,
    issue: { key: FILE_KEY, reason: `${reason} (${source})` },
  });
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return fail(
      code === 'ENOENT' ? `${file} does not exist` : `cannot read ${file}: ${code ?? String(error)}`,
    );
  }

  let values: unknown;
  try {
    values = parse(text);
  } catch (error) {
    if (!(error instanceof YAMLParseError)) throw error;
    // Only the first line: the rest is an excerpt of the file, which may hold secrets.
    const summary = error.message.split('\n')[0]!.replace(/:$/, '');
    return fail(`${file} is not valid YAML: ${summary}`);
  }

  if (values === null || values === undefined) return { ok: true, values: {} }; // empty file
  if (!isPlainObject(values)) return fail(`${file} must hold a mapping of keys at the top level`);
  return { ok: true, values };
}

/**
 * Keys in the file the schema does not define. z.object() would drop them silently, so a typo
 * such as `htpp:` would leave the default in place without a word; we report them instead.
 */
export function unknownFileKeys(
  shape: Shape,
  values: unknown,
  source: string,
  prefix: string[] = [],
): ConfigIssue[] {
  if (shape.kind !== 'object' || !isPlainObject(values)) return [];
  return Object.entries(values).flatMap(([key, value]) => {
    const path = [...prefix, key];
    const child = shape.child(key);
    if (child === undefined) return [{ key: path.join('.'), reason: `unknown key (from ${source})` }];
    return unknownFileKeys(child, value, source, path);
  });
}
