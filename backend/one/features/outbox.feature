Feature: The outbox never stalls, and readiness and shutdown tell the truth
  The relay publishes every committed request once, whatever the size of the backlog; a message
  Kafka can never take fails its own request instead of blocking the ones after it; a Kafka outage
  keeps one ready (the outbox absorbs it) and shows in the backlog metrics; a stop drains first.

  Scenario: A backlog of large requests accepted while Kafka is unreachable is all published once it is back
    Given an instance of service one with its own database that cannot reach Kafka
    When 120 large requests are posted to /one
    And Kafka becomes reachable again
    Then every one of them arrives on one-request exactly once
    And GET /one/<id> shows each of them as PUBLISHED

  Scenario: A message Kafka refuses on its own fails its request and does not hold back the next one
    Given Kafka accepts at most 30000 bytes per message on one-request
    When a client posts a large request to /one
    Then the answer is 201 with a request id and a Location header pointing at it
    And GET /one/<id> shows the request as FAILED
    And its last error says Kafka refused it as too large
    And the outbox holds it as rejected, not pending
    When a client posts the fixture request to /one
    Then the answer is 201 with a request id and a Location header pointing at it
    And a message keyed by the request id arrives on one-request
    And GET /one/<id> shows the request as PUBLISHED

  Scenario: During a Kafka outage one stays ready, says Kafka is down, and the backlog metrics grow
    Given an instance of service one with its own database that cannot reach Kafka
    When a client posts the fixture request to /one
    Then the answer is 201 with a request id and a Location header pointing at it
    And the outbox records that publishing the message failed
    And GET /readyz answers 200 and reports kafka "down"
    And GET /metrics shows an outbox backlog of 1, and its age
    When Kafka becomes reachable again
    Then GET /one/<id> shows the request as PUBLISHED
    And GET /readyz answers 200 and reports kafka "up"
    And GET /metrics shows an outbox backlog of 0, and its age

  Scenario: On stop, readiness goes down first and the listener keeps serving through the drain delay
    Given an instance of service one with its own database and a drain delay of 1500 ms
    When the instance is asked to stop
    Then GET /readyz answers 503 while POST /one still answers 201
    And the stop completes
    And the request accepted during the drain delay was published
