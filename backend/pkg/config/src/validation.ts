import type { z } from 'zod';
import { looksSecret, showValue, type ConfigIssue } from './errors.js';
import { envName, getPath } from './paths.js';

/** Where each value came from: dotted path → 'env ONE_HTTP__PORT'; '' stands for the file. */
export type Sources = Map<string, string>;

/** Turns zod's issues into messages that name the key, the reason and the value's origin. */
export function describeIssues(
  issues: readonly z.core.$ZodIssue[],
  values: unknown,
  sources: Sources,
  envPrefix: string,
): ConfigIssue[] {
  return issues.flatMap((issue): ConfigIssue[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => {
        const path = [...issue.path, key];
        return { key: path.join('.'), reason: withSource('unknown key', path, values, sources) };
      });
    }
    const path = issue.path;
    const value = getPath(values, path);
    const shown = showValue(value, looksSecret(path));
    let reason: string;
    if (issue.code === 'invalid_type' && value === undefined) {
      const key = path.join('.');
      reason = `required, but not set (set ${key} in the config file, env ${envName(envPrefix, path)} or flag --${key})`;
    } else if (issue.code === 'invalid_type') {
      reason = `expected ${issue.expected}, received ${shown}`;
    } else {
      // zod's wording ("Too big: expected number to be <=65535"), in the lower case of our messages.
      const message = issue.message.charAt(0).toLowerCase() + issue.message.slice(1);
      reason = value === undefined ? message : `${message}, received ${shown}`;
    }
    return [{ key: path.join('.'), reason: withSource(reason, path, values, sources) }];
  });
}

function withSource(reason: string, path: readonly PropertyKey[], values: unknown, sources: Sources): string {
  const source = sourceOf(path, values, sources);
  return source === undefined ? reason : `${reason} (from ${source})`;
}

/** The layer that set this path or its nearest parent: env/flags record theirs, the rest is the file's. */
function sourceOf(path: readonly PropertyKey[], values: unknown, sources: Sources): string | undefined {
  for (let length = path.length; length > 0; length--) {
    const source = sources.get(path.slice(0, length).join('.'));
    if (source !== undefined) return source;
  }
  const file = sources.get('');
  return file !== undefined && getPath(values, path) !== undefined ? file : undefined;
}
