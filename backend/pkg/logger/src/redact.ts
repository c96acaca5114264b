/**
 * Keys whose values never reach a log line, matched case-insensitively at any depth. Variants are
 * listed explicitly (rather than matched by substring) so ordinary keys such as `tokenCount` or
 * `keyId` stay readable; pass `redactKeys` to add service-specific ones.
 */
export const DEFAULT_REDACTED_KEYS: readonly string[] = Object.freeze([
  'authorization',
  'proxy-authorization',
  'password',
  'passwd',
  'client_secret',
  'clientSecret',
  'access_token',
  'accessToken',
  'refresh_token',
  'refreshToken',
  'id_token',
  'idToken',
  'token',
  'secret',
  'api_key',
  'apiKey',
  'x-api-key',
  'private_key',
  'privateKey',
  'cookie',
  'set-cookie',
]);

export const REDACTED = '[REDACTED]';

/** Deeper structures are cut off: a log call must not overflow the stack on a huge object graph. */
const MAX_DEPTH = 16;

// `Bearer <token>` / `Basic <base64>` inside free text, e.g. Node's `rawHeaders` array
// (['authorization', 'Bearer …']) or an error message quoting a header, where no key gives it away.
const CREDENTIAL = /\b(Bearer|Basic)\s+([A-Za-z0-9._~+/-]{8,}=*)/gi;

// The password of a connection URL (postgresql://user:password@host), logged with a config dump.
const URL_PASSWORD = /(\/\/[^/:@\s]*:)[^@/\s]+@/g;

/** Removes credentials from free text: `Bearer …`, `Basic …` and URL passwords. */
export function scrubCredentials(text: string): string {
  let scrubbed = text;
  if (/bearer|basic/i.test(scrubbed)) {
    scrubbed = scrubbed.replace(CREDENTIAL, (match, scheme: string, credential: string) =>
      isCredential(scheme, credential) ? `${scheme} ${REDACTED}` : match,
    );
  }
  if (scrubbed.includes('@')) scrubbed = scrubbed.replace(URL_PASSWORD, `$1${REDACTED}@`);
  return scrubbed;
}

function isCredential(scheme: string, credential: string): boolean {
  if (scheme.toLowerCase() === 'bearer') return true;
  // Basic credentials are base64("user:password"); checking for the colon spares prose such as
  // "Basic configuration loaded".
  return Buffer.from(credential, 'base64').toString('latin1').includes(':');
}

export type Redactor = (value: unknown) => unknown;

/**
 * Returns a function that makes a JSON-safe copy of a value with secrets replaced. It never
 * mutates its input: callers log live objects (requests, configs) that must keep their secrets.
 */
export function createRedactor(keys: readonly string[]): Redactor {
  const secretKeys = new Set(keys.map((key) => key.toLowerCase()));
  const ancestors: object[] = []; // the path from the root, so shared references are not "cycles"

  const copyEntries = (entries: Iterable<[string, unknown]>): Record<string, unknown> => {
    const copy: [string, unknown][] = [];
    for (const [key, value] of entries) {
      copy.push([key, secretKeys.has(key.toLowerCase()) ? REDACTED : visit(value)]);
    }
    // fromEntries defines properties, so a `__proto__` key from parsed JSON stays a plain key.
    return Object.fromEntries(copy);
  };

  const visit = (value: unknown): unknown => {
    if (typeof value === 'string') return scrubCredentials(value);
    if (typeof value === 'bigint') return value.toString(); // JSON.stringify throws on bigint
    if (value === null || typeof value !== 'object') return value;
    if (ancestors.includes(value)) return '[Circular]';
    if (ancestors.length >= MAX_DEPTH) return '[Truncated]';

    ancestors.push(value);
    try {
      return visitObject(value);
    } finally {
      ancestors.pop();
    }
  };

  const visitObject = (value: object): unknown => {
    if (value instanceof Error) return copyEntries(errorEntries(value));
    if (Array.isArray(value)) return value.map(visit);
    if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
    if (value instanceof Map)
      return copyEntries([...value].map(([key, item]): [string, unknown] => [String(key), item]));
    if (value instanceof Set) return [...value].map(visit);
    if (ArrayBuffer.isView(value)) return `[${value.constructor.name} ${value.byteLength} bytes]`;
    if ('toJSON' in value && typeof value.toJSON === 'function')
      return visit((value.toJSON as () => unknown)());
    return copyEntries(Object.entries(value));
  };

  return (value) => {
    ancestors.length = 0;
    return visit(value);
  };
}

/** name, message and stack are not enumerable, so a plain copy would log an error as `{}`. */
function errorEntries(error: Error): [string, unknown][] {
  const entries: [string, unknown][] = [
    ['name', error.name],
    ['message', error.message],
    ['stack', error.stack],
    ...Object.entries(error), // own fields such as `code`, `status`
  ];
  if (error.cause !== undefined) entries.push(['cause', error.cause]);
  if (error instanceof AggregateError) entries.push(['errors', error.errors]);
  return entries;
}
