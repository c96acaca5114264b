Feature: One request travels from POST /one through Kafka and two to the third party, and back
  Services one and two run as real processes (`node backend/<service>/src/main.ts`) against the real
  PostgreSQL, Kafka and WireMock, exactly as `make up` starts them. one stores the request and its
  outbox row, the relay publishes it to `one-request`, two delivers it to the third party with the
  request id as the idempotency key, and publishes the outcome on `three-result`, which one applies.

  Background:
    Given services one and two are running as processes, exporting telemetry to a test OTLP receiver

  Scenario: A posted request reaches the third party and shows as DELIVERED
    When a client posts the example request to one
    Then WireMock's /three is called with the request id as the Idempotency-Key
    And GET /one/{id} shows the request as DELIVERED
