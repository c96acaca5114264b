/** Helpers for the nested plain objects configuration is assembled in. */

export type Path = readonly string[];

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function getPath(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** Sets a nested value, replacing whatever lower layer sat in the way: the higher layer wins. */
export function setPath(root: Record<string, unknown>, path: Path, value: unknown): void {
  let node = root;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (!isPlainObject(next)) {
      const created: Record<string, unknown> = {};
      Object.defineProperty(node, key, {
        value: created,
        enumerable: true,
        writable: true,
        configurable: true,
      });
      node = created;
    } else {
      node = next;
    }
  }
  Object.defineProperty(node, path.at(-1)!, { value, enumerable: true, writable: true, configurable: true });
}

/** 'CLIENT_ID' → 'clientId': env segments are SCREAMING_SNAKE, schema keys camelCase. */
export function camelCase(segment: string): string {
  return segment.toLowerCase().replace(/_([a-z0-9])/g, (_, char: string) => char.toUpperCase());
}

/** 'clientId' → 'CLIENT_ID', the inverse, for messages that tell the user which variable to set. */
export function screamingSnakeCase(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

export function envName(prefix: string, path: readonly PropertyKey[]): string {
  return `${prefix}_${path.map((key) => screamingSnakeCase(String(key))).join('__')}`;
}

export type DeepReadonly<T> = T extends (...args: never[]) => unknown
  ? T
  : T extends readonly (infer Item)[]
    ? readonly DeepReadonly<Item>[]
    : T extends object
      ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
      : T;

/** Freezes plain objects and arrays all the way down, so no module can change shared config. */
export function deepFreeze<T>(value: T): DeepReadonly<T> {
  // Typed arrays cannot be frozen (their elements stay writable by design), so they are skipped.
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value) && !ArrayBuffer.isView(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value as DeepReadonly<T>;
}
