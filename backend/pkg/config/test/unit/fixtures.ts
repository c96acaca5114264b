import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';

/** A schema shaped like a service's: nested sections, defaults, a required secret, a list. */
export const schema = z.object({
  http: z.object({
    host: z.string().default('127.0.0.1'),
    port: z.number().int().min(1).max(65_535).default(8099),
  }),
  kafka: z.object({
    clientId: z.string(),
    brokers: z.array(z.string()).default(['127.0.0.1:9092']),
    ssl: z.boolean().default(false),
  }),
  oauth: z
    .object({
      clientSecret: z.string().min(16).optional(),
      timeoutMs: z.number().default(5_000),
    })
    .prefault({}),
  id: z.object({ nodeId: z.number().int().min(0).max(1023).optional() }).prefault({}),
});

/** Writes a YAML file into a fresh temporary folder and returns its path. */
export function yamlFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'pkg-config-')), 'config.yaml');
  writeFileSync(file, text);
  return file;
}

/** Options with nothing from the real process: no env, no argv. */
export function isolated(overrides: { env?: Record<string, string>; argv?: string[]; file?: string } = {}) {
  return { schema, envPrefix: 'ONE', env: {}, argv: [], ...overrides };
}
