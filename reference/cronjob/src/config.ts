export interface Config {
  readonly databaseUrl: string;
  readonly table: string;
  readonly mode: 'delete' | 'archive';
  readonly archiveTable: string;
  readonly retentionDays: number;
  readonly finalStatuses: readonly string[];
  readonly batchSize: number;
  /** Only used by the in-process scheduler (`npm run schedule`). */
  readonly schedule: string;
}

type Env = Readonly<Record<string, string | undefined>>;

/** Parses the environment once; refuses to start with a message naming the bad key. */
export function loadConfig(env: Env): Config {
  const text = (key: string, fallback?: string): string => {
    const value = env[key] ?? fallback;
    if (value === undefined || value.trim() === '') throw new Error(`Missing configuration: ${key}`);
    return value.trim();
  };
  const positiveInt = (key: string, fallback: string): number => {
    const value = Number(text(key, fallback));
    if (!Number.isInteger(value) || value <= 0) {
      throw new Error(`Invalid configuration: ${key} must be a positive integer, got "${env[key]}"`);
    }
    return value;
  };
  const mode = text('RETENTION_MODE', 'delete');
  if (mode !== 'delete' && mode !== 'archive') {
    throw new Error(`Invalid configuration: RETENTION_MODE must be delete or archive, got "${mode}"`);
  }
  const finalStatuses = text('RETENTION_FINAL_STATUSES', 'completed,failed')
    .split(',')
    .map((status) => status.trim())
    .filter(Boolean);
  const table = text('RETENTION_TABLE', 'retention_requests');
  return Object.freeze({
    databaseUrl: text('DATABASE_URL'),
    table,
    mode,
    archiveTable: text('RETENTION_ARCHIVE_TABLE', `${table}_archive`),
    retentionDays: positiveInt('RETENTION_DAYS', '30'),
    finalStatuses: Object.freeze(finalStatuses),
    batchSize: positiveInt('RETENTION_BATCH_SIZE', '1000'),
    schedule: text('RETENTION_SCHEDULE', '0 3 * * *'),
  });
}
