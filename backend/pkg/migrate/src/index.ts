export {
  applyMigrations,
  migrationChecksum,
  readMigrations,
  rollbackMigrations,
  type MigrateOptions,
  type Migration,
  type MigrationResult,
  type RollbackOptions,
  type RollbackResult,
} from './offline-migrator.js';
export {
  MIGRATION_USAGE,
  parseMigrationCommand,
  runMigrationCommand,
  type MigrationCommand,
  type MigrationCommandOptions,
} from './command.js';
