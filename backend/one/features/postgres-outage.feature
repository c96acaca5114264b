Feature: A PostgreSQL outage is reported, not hidden
  Without its database service one cannot promise anything: it says so at once with 503, and
  recovers by itself when the database is back.

  Scenario: Readiness and POST answer 503 while PostgreSQL is down, and recover on their own
    Given an instance of service one whose connection to PostgreSQL can be cut
    When PostgreSQL becomes unreachable
    Then GET /readyz answers 503 problem+json naming the database, within a second
    And posting the fixture request answers 503 problem+json, within a second
    When PostgreSQL is reachable again
    Then GET /readyz answers 200
    And posting the fixture request answers 201
