Feature: The Prisma schema and the migrations agree
  Tables come from the SQL migrations (applied by `prisma migrate deploy`, or offline by
  `npm run migrate`); queries come from the Prisma schema. Both must describe the same database.

  Scenario: An empty database migrated offline is exactly what the Prisma schema describes
    Given an empty database migrated with the offline migrator
    Then every migration is recorded in _prisma_migrations as applied, with Prisma's checksum
    And every Prisma model is a table whose columns match its fields in name, type and nullability
    And the database has no table or column that the Prisma schema does not describe
    And every Prisma enum exists with the same values
    And every index and foreign key of the Prisma schema exists
    And the Prisma client writes and reads every field of every model
    And migrating again applies nothing
