Feature: Retrying failed deliveries under a distributed lock
  Any number of retry job replicas run side by side. Each failed item is retried by exactly one of
  them at a time, because each replica takes the item's Redis lock and re-checks the item first.

  Background:
    Given a deliveries table of its own in PostgreSQL and a Redis for the locks

  Scenario: Three job instances retry fifty failed items exactly once each
    Given 50 failed deliveries
    When 3 retry job instances run on an interval
    Then every delivery is eventually delivered
    And every delivery was retried exactly once

  Scenario: A lock holder that dies leaves the item to another instance once the lock expires
    Given 1 failed delivery
    And an instance took the item's lock with a 1000 ms lifetime and then died
    When another retry job instance runs once
    Then that instance skipped the item because it is locked
    And the item is eventually delivered by that instance after the lock expired
