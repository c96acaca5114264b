Feature: Accepting a request
  Service one stores every accepted request together with an outbox message in one transaction,
  answers 201 only after the commit, and its outbox relay publishes the message to one-request.

  Scenario: The original project's fixture is accepted, stored and published
    When a client posts the fixture request to /one
    Then the answer is 201 with a request id and a Location header pointing at it
    And the request is stored with the client's user id
    And a message keyed by the request id arrives on one-request
    And the message carries the headers request-id, event-type "one.request.accepted", event-version "1" and content-type "application/json"
    And the message payload matches the stored request
    And the message matches docs/asyncapi.yaml, its event-id the id of its outbox row
    And GET /one/<id> shows the request as PUBLISHED

  Scenario: The caller's trace context travels with the message
    When a client posts the fixture request to /one as part of a trace
    Then the answer is 201 with a request id and a Location header pointing at it
    And a message keyed by the request id arrives on one-request
    And the message's traceparent belongs to the caller's trace

  Scenario: Requests accepted together are stored together, and a row PostgreSQL refuses fails alone
    When three requests reach the store in the same moment, the second with a NUL byte PostgreSQL refuses
    Then the first and the third are stored with their outbox messages, and only the second failed
