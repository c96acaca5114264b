Feature: A Kafka outage only delays messages
  A request that got 201 is committed in PostgreSQL; the outbox keeps its message until Kafka
  can take it.

  Scenario: A request accepted while Kafka is unreachable is published once Kafka is back
    Given an instance of service one with its own database that cannot reach Kafka
    When a client posts the fixture request to /one
    Then the answer is 201 with a request id and a Location header pointing at it
    And the outbox records that publishing the message failed
    And GET /one/<id> shows the request as ACCEPTED
    When Kafka becomes reachable again
    Then a message keyed by the request id arrives on one-request
    And GET /one/<id> shows the request as PUBLISHED
