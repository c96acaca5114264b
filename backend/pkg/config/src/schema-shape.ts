import type { z } from 'zod';

/**
 * What the schema expects at one path, as far as reading strings from env and flags needs to
 * know. Wrappers (default, optional, transform pipes, …) are looked through, so the shape is the
 * input the schema wants, not its parsed output.
 */
export type Shape =
  | {
      kind: 'object';
      child: (key: string) => Shape | undefined;
      acceptsUnknownKeys: boolean;
      /** Keys holding a required object with no wrapper at all (see `seedRequiredObjects`). */
      requiredObjectKeys: readonly string[];
    }
  | { kind: 'array'; element: Shape }
  | { kind: 'string' | 'number' | 'boolean' | 'bigint' | 'unknown' };

type Def = z.core.$ZodTypeDef;
const UNKNOWN: Shape = { kind: 'unknown' };

export function shapeOf(schema: z.core.$ZodType): Shape {
  const def: Def = schema._zod.def;
  switch (def.type) {
    case 'default':
    case 'prefault':
    case 'optional':
    case 'nullable':
    case 'nonoptional':
    case 'readonly':
    case 'catch':
      return shapeOf((def as z.core.$ZodDefaultDef).innerType);
    case 'pipe':
      // z.string().transform(...) is a pipe: env/flag strings feed its input side.
      return shapeOf((def as z.core.$ZodPipeDef).in);
    case 'lazy':
      return shapeOf((def as z.core.$ZodLazyDef).getter());
    case 'object':
      return objectShape(def as z.core.$ZodObjectDef);
    case 'record': {
      const valueType = (def as z.core.$ZodRecordDef).valueType;
      return {
        kind: 'object',
        child: () => shapeOf(valueType),
        acceptsUnknownKeys: true,
        requiredObjectKeys: [],
      };
    }
    case 'array':
      return { kind: 'array', element: shapeOf((def as z.core.$ZodArrayDef).element) };
    case 'string':
    case 'enum':
    case 'template_literal':
      return { kind: 'string' };
    case 'number':
    case 'boolean':
    case 'bigint':
      return { kind: def.type };
    case 'union':
      return unionShape((def as z.core.$ZodUnionDef).options);
    default:
      return UNKNOWN;
  }
}

function objectShape(def: z.core.$ZodObjectDef): Shape {
  const shape = def.shape;
  // z.object() strips unknown keys and z.strictObject() rejects them (catchall: never); only
  // z.looseObject()/.catchall(schema) give them a meaning.
  const catchall = def.catchall;
  const acceptsUnknownKeys = catchall !== undefined && catchall._zod.def.type !== 'never';
  return {
    kind: 'object',
    acceptsUnknownKeys,
    requiredObjectKeys: Object.keys(shape).filter((key) => shape[key]!._zod.def.type === 'object'),
    child: (key) => {
      if (Object.hasOwn(shape, key)) return shapeOf(shape[key]!);
      return acceptsUnknownKeys && catchall ? shapeOf(catchall) : undefined;
    },
  };
}

/** A union of same-kind scalars (e.g. two enums) converts like that kind; anything else stays a string. */
function unionShape(options: readonly z.core.$ZodType[]): Shape {
  const kinds = new Set(options.map((option) => shapeOf(option).kind));
  const [only] = kinds;
  return kinds.size === 1 && only !== 'object' && only !== 'array' && only !== undefined
    ? { kind: only }
    : UNKNOWN;
}

/** The shape at a path, or undefined when the schema has no such key. */
export function shapeAt(root: Shape, path: readonly string[]): Shape | undefined {
  let shape: Shape | undefined = root;
  for (const key of path) {
    if (shape?.kind !== 'object') return undefined;
    shape = shape.child(key);
  }
  return shape;
}

/**
 * Puts `{}` where the schema requires a section no layer mentioned, so the section's own
 * `.default()`s apply. zod alone would report `http: required` for
 * `http: z.object({ port: z.number().default(8099) })` unless the author remembered `.prefault({})`.
 * Optional and defaulted sections are left alone: absent means absent there.
 */
export function seedRequiredObjects(shape: Shape, values: Record<string, unknown>): void {
  if (shape.kind !== 'object') return;
  for (const key of shape.requiredObjectKeys) {
    const value = values[key] === undefined ? {} : values[key];
    if (typeof value !== 'object' || value === null || Array.isArray(value)) continue; // zod reports it
    values[key] = value;
    seedRequiredObjects(shape.child(key)!, value as Record<string, unknown>);
  }
}
