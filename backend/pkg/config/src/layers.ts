import { coerce } from './coerce.js';
import type { ConfigIssue } from './errors.js';
import { camelCase, type Path } from './paths.js';
import { shapeAt, type Shape } from './schema-shape.js';

/** One value set by env or a flag, already converted, with where it came from for messages. */
export interface Setting {
  path: Path;
  value: unknown;
  source: string;
}

export interface Layer {
  settings: Setting[];
  /** The config file this layer names (`--config` or `<PREFIX>_CONFIG_FILE`), if any. */
  configFile?: { path: string; source: string };
  issues: ConfigIssue[];
}

/** Config-file selection is not a schema key, so it is read before anything else. */
export const CONFIG_FLAG = 'config';

/**
 * `ONE_KAFKA__CLIENT_ID=x` sets kafka.clientId. Variables that match no schema key are ignored:
 * the environment is shared with the platform, and a prefix says little about ownership.
 */
export function readEnv(root: Shape, prefix: string, env: Record<string, string | undefined>): Layer {
  const layer: Layer = { settings: [], issues: [] };
  const fileVariable = `${prefix}_CONFIG_FILE`;
  for (const [name, raw] of Object.entries(env)) {
    if (raw === undefined || !name.startsWith(`${prefix}_`)) continue;
    if (name === fileVariable) {
      layer.configFile = { path: raw, source: `env ${name}` };
      continue;
    }
    const path = name
      .slice(prefix.length + 1)
      .split('__')
      .map(camelCase);
    const shape = path.includes('') ? undefined : shapeAt(root, path);
    if (shape === undefined || shape.kind === 'object') continue;
    layer.settings.push({ path, value: coerce(shape, raw), source: `env ${name}` });
  }
  return layer;
}

/**
 * `--http.port=8099` or `--http.port 8099`; a boolean flag alone means true (`--metrics.enabled`).
 * Unlike env, every flag was typed for this process, so one the schema does not know is an error.
 * Repeating a flag keeps the last value.
 */
export function readFlags(root: Shape, argv: readonly string[]): Layer {
  const layer: Layer = { settings: [], issues: [] };
  for (let index = 0; index < argv.length; index++) {
    const token = argv[index]!;
    if (!token.startsWith('--') || token === '--') {
      layer.issues.push({ key: token, reason: 'unexpected argument; flags look like --http.port=8099' });
      continue;
    }
    const equals = token.indexOf('=');
    const name = equals === -1 ? token.slice(2) : token.slice(2, equals);
    const path = name.split('.');
    const shape = name === CONFIG_FLAG ? ({ kind: 'string' } as const) : shapeAt(root, path);
    let raw: string | undefined = equals === -1 ? undefined : token.slice(equals + 1);

    if (raw === undefined) {
      const next = argv[index + 1];
      const nextIsValue = next !== undefined && !next.startsWith('--');
      if (shape?.kind === 'boolean' && !(nextIsValue && /^(true|false)$/i.test(next))) {
        raw = 'true';
      } else if (nextIsValue) {
        raw = next;
        index += 1;
      }
    }

    const flag = `--${name}`;
    if (shape === undefined || path.includes('')) {
      layer.issues.push({ key: flag, reason: 'unknown flag' });
    } else if (shape.kind === 'object') {
      layer.issues.push({
        key: flag,
        reason: 'names a section, not a value; set its keys, e.g. --section.key=value',
      });
    } else if (raw === undefined) {
      layer.issues.push({ key: flag, reason: 'missing value' });
    } else if (name === CONFIG_FLAG) {
      layer.configFile = { path: raw, source: `flag ${flag}` };
    } else {
      layer.settings.push({ path, value: coerce(shape, raw), source: `flag ${flag}` });
    }
  }
  return layer;
}
