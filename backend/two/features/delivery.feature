Feature: two delivers each accepted request to the third party, once
  two consumes the requests service one accepted, calls the third party's POST /three with an
  OAuth access token and the request id as Idempotency-Key, and publishes the outcome.

  Background:
    Given the auth server issues the access token "token-A"
    And the third party accepts deliveries
    And two is running

  Scenario: A request is delivered with the access token and its idempotency key
    When service one publishes an accepted request
    Then a DELIVERED result is published for it after 1 attempt
    And the third party received it exactly once, as JSON with the original request, with "Bearer token-A" and the request id as Idempotency-Key
    And two stored the request as DELIVERED

  Scenario: Twenty requests at once need a single access token
    When service one publishes 20 accepted requests at once
    Then a DELIVERED result is published for each of them
    And the auth server was asked for an access token exactly once

  Scenario: A request that is published again is not delivered again
    When service one publishes an accepted request
    And a DELIVERED result is published for it after 1 attempt
    And the same request is published again
    Then a DELIVERED result is published for it again
    And the third party received it exactly once

  Scenario: A malformed message is dead-lettered and the next request is still delivered
    When a message that is not JSON is published
    And service one publishes an accepted request
    Then the malformed message is on the dead-letter topic with reason "invalid-message"
    And a DELIVERED result is published for the request after 1 attempt
