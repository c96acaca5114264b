export interface ConfigIssue {
  /** Dotted key (`http.port`), flag (`--htpp.port`) or `config file`. */
  key: string;
  /** What is wrong, and where the value came from when known. */
  reason: string;
}

/**
 * The configuration cannot be used. The message has one line per problem so the operator can fix
 * them all at once: `invalid configuration: http.port: expected number, received "abc" (from env ONE_HTTP__PORT)`.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[]) {
    super(issues.map(({ key, reason }) => `invalid configuration: ${key}: ${reason}`).join('\n'));
    this.issues = issues;
  }
}

// Any segment of the path counts: `secrets.db` and `oauth.clientSecret` are both secret.
const SECRET_KEY = /secret|password|passwd|token|key|credential/i;

export function looksSecret(path: readonly PropertyKey[]): boolean {
  return path.some((key) => SECRET_KEY.test(String(key)));
}

const MAX_SHOWN = 60;
const URL_PASSWORD = /(\/\/[^/:@\s]*:)[^@/\s]*@/g;

/** A value as messages show it; secrets never leave the process through an error message. */
export function showValue(value: unknown, secret: boolean): string {
  if (secret) return '<redacted>';
  if (typeof value === 'string') {
    // A connection URL under an innocent key (database.url) still carries a password.
    const shown = JSON.stringify(value.replace(URL_PASSWORD, '$1<redacted>@'));
    return shown.length > MAX_SHOWN ? `${shown.slice(0, MAX_SHOWN - 2)}…"` : shown;
  }
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object' && value !== null) return 'an object';
  return String(value);
}
