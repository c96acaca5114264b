import type { z } from 'zod';
import { ConfigError, type ConfigIssue } from './errors.js';
import { readConfigFile, unknownFileKeys } from './file.js';
import { readEnv, readFlags } from './layers.js';
import { deepFreeze, setPath, type DeepReadonly } from './paths.js';
import { seedRequiredObjects, shapeOf } from './schema-shape.js';
import { describeIssues, type Sources } from './validation.js';

export interface LoadConfigOptions<S extends z.ZodType> {
  /** The service's schema; its `.default()`s are the lowest layer. */
  schema: S;
  /** 'ONE' → ONE_HTTP__PORT sets http.port; ONE_KAFKA__CLIENT_ID sets kafka.clientId. */
  envPrefix: string;
  /** YAML file; else the --config flag, else env `${envPrefix}_CONFIG_FILE`. No file at all is fine. */
  file?: string;
  /** Default `process.env`. */
  env?: Record<string, string | undefined>;
  /** Default `process.argv.slice(2)`. Flags: --http.port=8099 or --http.port 8099. */
  argv?: string[];
}

/**
 * Reads configuration once at start: schema defaults < YAML file < env < flags, validated by the
 * schema and deep-frozen. Throws ConfigError listing every problem.
 */
export function loadConfig<S extends z.ZodType>({
  schema,
  envPrefix,
  file,
  env = process.env,
  argv = process.argv.slice(2),
}: LoadConfigOptions<S>): DeepReadonly<z.infer<S>> {
  const shape = shapeOf(schema);
  const envLayer = readEnv(shape, envPrefix, env);
  const flagLayer = readFlags(shape, argv);
  const issues: ConfigIssue[] = [...flagLayer.issues];
  const sources: Sources = new Map();

  const chosenFile =
    file === undefined
      ? (flagLayer.configFile ?? envLayer.configFile)
      : { path: file, source: 'the file option of loadConfig' };
  let values: Record<string, unknown> = {};
  if (chosenFile) {
    const read = readConfigFile(chosenFile.path, `from ${chosenFile.source}`);
    // Without the file every key it should have set would also be reported: only noise.
    if (!read.ok) throw new ConfigError([...issues, read.issue]);
    values = read.values;
    sources.set('', `file ${chosenFile.path}`);
    issues.push(...unknownFileKeys(shape, values, `file ${chosenFile.path}`));
  }

  for (const { path, value, source } of [...envLayer.settings, ...flagLayer.settings]) {
    setPath(values, path, value);
    sources.set(path.join('.'), source);
  }

  seedRequiredObjects(shape, values);
  const result = schema.safeParse(values);
  if (result.success && issues.length === 0) return deepFreeze(result.data);

  const reported = new Set(issues.map(({ key }) => key));
  const schemaIssues = result.success ? [] : describeIssues(result.error.issues, values, sources, envPrefix);
  throw new ConfigError([...issues, ...schemaIssues.filter(({ key }) => !reported.has(key))]);
}

/** For the process-level dependencies of configOrExit; tests replace them. */
export interface ExitIo {
  stderr: { write(text: string): unknown };
  exit(code: number): never;
}

/**
 * loadConfig for main.ts: a bad configuration prints its message and exits with status 1, so the
 * process never starts half-configured and the operator reads a message, not a stack trace.
 */
export function configOrExit<S extends z.ZodType>(
  opts: LoadConfigOptions<S>,
  io: ExitIo = { stderr: process.stderr, exit: (code) => process.exit(code) },
): DeepReadonly<z.infer<S>> {
  try {
    return loadConfig(opts);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.stderr.write(`${error.message}\n`);
    return io.exit(1);
  }
}
