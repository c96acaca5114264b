import { applyMigrations, rollbackMigrations } from './offline-migrator.js';

export interface MigrationCommandOptions {
  /** Names the service in every line, e.g. `[one-migrate]`. */
  service: string;
  databaseUrl: string;
  migrationsDir: string;
  /** The command line after the script: none or `up` applies, `down [steps]` rolls back (1 step by default). */
  args?: readonly string[];
}

export type MigrationCommand = { kind: 'up' } | { kind: 'down'; steps: number };

export const MIGRATION_USAGE =
  'usage: migrate [up] | migrate down [steps]  (steps: a whole number ≥ 1, default 1)';

/** Reads the migrate command line; throws with the usage on anything else. */
export function parseMigrationCommand(args: readonly string[]): MigrationCommand {
  const [command = 'up', steps, ...rest] = args;
  if (command === 'up' && steps === undefined) return { kind: 'up' };
  if (command === 'down' && rest.length === 0) {
    if (steps === undefined) return { kind: 'down', steps: 1 };
    if (/^[1-9]\d*$/.test(steps)) return { kind: 'down', steps: Number(steps) };
  }
  throw new Error(`unknown arguments: ${args.join(' ')}\n${MIGRATION_USAGE}`);
}

/**
 * The body of each service's migrate command (`node dist/src/migrations/main.js` in its image, the
 * compose migrate service and a Kubernetes Job; `npm run migrate -w <service>` from a checkout):
 * with no arguments (or `up`) applies the pending migrations; `down [steps]` rolls back the newest
 * `steps` applied migrations with their `down.sql`. Prints what it did and sets a failing exit code
 * on error. The database URL is printed without its credentials.
 */
export async function runMigrationCommand(options: MigrationCommandOptions): Promise<void> {
  const tag = `[${options.service}-migrate]`;
  const target = new URL(options.databaseUrl);
  const where = `${target.host}${target.pathname}`;
  const common = {
    databaseUrl: options.databaseUrl,
    migrationsDir: options.migrationsDir,
    log: (message: string) => console.log(`${tag} ${message}`),
  };
  try {
    const command = parseMigrationCommand(options.args ?? []);
    if (command.kind === 'down') {
      const { rolledBack, stillApplied } = await rollbackMigrations({ ...common, steps: command.steps });
      console.log(
        `${tag} ${where}: ${rolledBack.length} rolled back (${rolledBack.join(', ')}), ${stillApplied.length} still applied`,
      );
      return;
    }
    const { applied, alreadyApplied } = await applyMigrations(common);
    console.log(
      `${tag} ${where}: ${applied.length} applied` +
        (applied.length ? ` (${applied.join(', ')})` : '') +
        `, ${alreadyApplied.length} already applied`,
    );
  } catch (error) {
    console.error(`${tag} migration failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
