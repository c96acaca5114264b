export interface Config {
  readonly port: number;
  readonly host: string;
  readonly jwksUrl: URL;
  readonly issuer: string;
  readonly audience: string;
}

/** Parses the environment once at start; refuses to start with a message naming the bad key. */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): Config {
  const required = (key: string): string => {
    const value = env[key];
    if (value === undefined || value === '') throw new Error(`Missing configuration: ${key}`);
    return value;
  };
  const port = Number(env['PORT'] ?? '8095');
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`Invalid configuration: PORT must be a port number, got "${env['PORT']}"`);
  }
  let jwksUrl: URL;
  try {
    jwksUrl = new URL(required('JWKS_URL'));
  } catch (error) {
    if (error instanceof TypeError)
      throw new Error('Invalid configuration: JWKS_URL must be a URL', { cause: error });
    throw error;
  }
  return Object.freeze({
    port,
    host: env['HOST'] ?? '127.0.0.1',
    jwksUrl,
    issuer: required('JWT_ISSUER'),
    audience: required('JWT_AUDIENCE'),
  });
}
