import type { Shape } from './schema-shape.js';

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const INTEGER = /^[+-]?\d+$/;

/**
 * Converts a string from env or a flag to the type the schema expects there. A string that does
 * not convert is returned unchanged, so the schema reports it with the value the user wrote
 * (`expected number, received "abc"`) instead of a conversion artefact such as NaN.
 */
export function coerce(shape: Shape, raw: string): unknown {
  const text = raw.trim();
  switch (shape.kind) {
    case 'number':
      // Number() alone would accept '', '0x10' and ' 1 ' silently.
      return NUMBER.test(text) ? Number(text) : raw;
    case 'bigint':
      return INTEGER.test(text) ? BigInt(text) : raw;
    case 'boolean':
      if (/^true$/i.test(text)) return true;
      if (/^false$/i.test(text)) return false;
      return raw;
    case 'array':
      // Comma-separated, the form lists take in env files and compose files: a:9092,b:9092.
      return text === '' ? [] : text.split(',').map((item) => coerce(shape.element, item.trim()));
    default:
      return raw;
  }
}
