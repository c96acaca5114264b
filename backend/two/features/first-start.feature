Feature: two's first start delivers what was published before it
  A consumer group without committed offsets starts at the oldest retained message
  (`kafka.fromBeginning`, true by default): requests service one published before two ever ran, or
  before a new group id was deployed, are delivered rather than skipped.

  Scenario: A request published before two's first start is delivered with the default settings
    Given the auth server issues the access token "token-A"
    And the third party accepts deliveries
    When service one publishes an accepted request
    And two is running
    Then a DELIVERED result is published for it after 1 attempt
    And the third party received it exactly once
