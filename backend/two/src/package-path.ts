import { fileURLToPath } from 'node:url';

/**
 * A file of this package (config.yaml, prisma/migrations), the same whether the code runs from
 * `src/` under tsx or from the compiled `dist/src/`.
 */
export function packagePath(relative: string): string {
  const root = new URL(import.meta.url.includes('/dist/') ? '../../' : '../', import.meta.url);
  return fileURLToPath(new URL(relative, root));
}
