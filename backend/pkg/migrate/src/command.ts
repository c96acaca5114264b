import { applyMigrations } from './offline-migrator.js';

export interface MigrationCommandOptions {
  /** Names the service in every line, e.g. `[one-migrate]`. */
  service: string;
  databaseUrl: string;
  migrationsDir: string;
}

/**
 * The body of each service's migrate command (`node dist/src/migrations/main.js` in its image, the
 * compose migrate service and a Kubernetes Job; `npm run migrate -w <service>` from a checkout):
 * applies the pending migrations, prints what it did, and sets a failing exit code on error. The
 * database URL is printed without its credentials.
 */
export async function runMigrationCommand(options: MigrationCommandOptions): Promise<void> {
  const tag = `[${options.service}-migrate]`;
  const target = new URL(options.databaseUrl);
  try {
    const { applied, alreadyApplied } = await applyMigrations({
      databaseUrl: options.databaseUrl,
      migrationsDir: options.migrationsDir,
      log: (message) => console.log(`${tag} ${message}`),
    });
    console.log(
      `${tag} ${target.host}${target.pathname}: ${applied.length} applied` +
        (applied.length ? ` (${applied.join(', ')})` : '') +
        `, ${alreadyApplied.length} already applied`,
    );
  } catch (error) {
    console.error(`${tag} migration failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
