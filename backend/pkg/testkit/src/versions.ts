import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** infra/versions.env: the one place image versions are pinned (compose files read it too). */
export const VERSIONS_FILE = fileURLToPath(new URL('../../../../infra/versions.env', import.meta.url));

export function parseVersionsEnv(text: string): Record<string, string> {
  const entries: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) throw new Error(`infra/versions.env: not KEY=VALUE: ${line}`);
    entries[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return entries;
}

export function pinnedImage(key: string, file = VERSIONS_FILE): string {
  const image = parseVersionsEnv(readFileSync(file, 'utf8'))[key];
  if (!image) throw new Error(`${key} is not pinned in ${file}`);
  return image;
}
