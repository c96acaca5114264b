@rollback
Feature: Every migration can be rolled back, and migrating again rebuilds the same schema
  `migrate down [steps]` runs the newest applied migrations' down.sql, newest first, and deletes
  their `_prisma_migrations` rows, so Prisma and the offline migrator see them as not applied.

  Scenario Outline: <service>'s migrations go up, all the way down, and up again to the same schema
    Given a fresh database migrated with <service>'s migrations
    When every applied migration is rolled back
    Then the database holds nothing but an empty "_prisma_migrations"
    When the migrations are applied again
    Then the schema is identical to the one the first migration built
    And every migration is recorded in "_prisma_migrations" once, as Prisma records it

    Examples:
      | service |
      | one     |
      | two     |

  Scenario: Rolling back one step undoes only the newest migration
    Given a fresh database migrated with these migrations:
      | name                  | migration.sql                    | down.sql                      |
      | 20250101000000_first  | CREATE TABLE first (a int);      | DROP TABLE first;             |
      | 20250102000000_second | ALTER TABLE first ADD b int;     | ALTER TABLE first DROP b;     |
    When 1 applied migration is rolled back
    Then table "first" has the columns "a"
    And only "20250101000000_first" are recorded as applied

  Scenario: A migration without down.sql stops the rollback before anything changes
    Given a fresh database migrated with these migrations:
      | name                  | migration.sql                    | down.sql                      |
      | 20250101000000_first  | CREATE TABLE first (a int);      |                               |
      | 20250102000000_second | ALTER TABLE first ADD b int;     | ALTER TABLE first DROP b;     |
    When rolling back 2 applied migrations fails with "20250101000000_first has no down.sql"
    Then table "first" has the columns "a, b"
    And only "20250101000000_first, 20250102000000_second" are recorded as applied

  Scenario: A down.sql that fails leaves that migration applied
    Given a fresh database migrated with these migrations:
      | name                  | migration.sql                    | down.sql                      |
      | 20250101000000_first  | CREATE TABLE first (a int);      | DROP TABLE no_such_table;     |
    When rolling back 1 applied migration fails with "rollback of 20250101000000_first failed"
    Then table "first" has the columns "a"
    And only "20250101000000_first" are recorded as applied
