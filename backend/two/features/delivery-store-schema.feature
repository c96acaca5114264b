@schema
Feature: two's migrations build the database its Prisma schema describes
  This machine cannot run `prisma migrate deploy`; two's offline migrator applies the same SQL and
  records it the way Prisma does.

  Scenario: A fresh database migrated offline matches the Prisma schema
    Given a fresh, empty database
    When two's migrations are applied to it offline
    Then every field of the Prisma model Delivery is a column of table "delivery", and nothing else is
    And every field of the Prisma model DeadLetterReplay is a column of table "dead_letter_replay", and nothing else is
    And the Prisma client can write and read back every field of a delivery, empty ones included
    And the migrations are recorded in "_prisma_migrations" as Prisma records them
    And applying the migrations again changes nothing
