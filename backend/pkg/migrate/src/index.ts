export {
  applyMigrations,
  migrationChecksum,
  readMigrations,
  type MigrateOptions,
  type Migration,
  type MigrationResult,
} from './offline-migrator.js';
export { runMigrationCommand, type MigrationCommandOptions } from './command.js';
