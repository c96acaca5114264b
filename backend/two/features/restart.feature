Feature: two survives being killed
  Offsets are committed only after a message's outcome is stored and published. If two dies
  between calling the third party and committing, the message is consumed again after a restart,
  and the delivery store makes sure the third party is not called a second time.

  Scenario: two is killed after delivering but before publishing and committing, and started again
    Given the auth server issues the access token "token-A"
    And the third party accepts deliveries
    And the result topic does not exist yet, so two cannot finish handling
    And two runs as its own process
    When service one publishes an accepted request
    And two has stored the request as DELIVERED
    And two is killed with SIGKILL
    And the result topic is created and two is started again
    Then a DELIVERED result is published for it after 1 attempt
    And the third party received it exactly once

  Scenario: SIGTERM stops two cleanly, with its work committed
    Given the auth server issues the access token "token-A"
    And the third party accepts deliveries
    And two runs as its own process
    When service one publishes an accepted request
    And a DELIVERED result is published for it after 1 attempt
    And two is sent SIGTERM
    Then two exits with code 0 within 15 seconds
    And two's consumer group has committed the offset after that request

  Scenario: SIGTERM while one request waits out a long Retry-After keeps what was delivered
    The waiting is cut short, the request that already got its 200 is stored, and two exits within
    its stop bound; after the restart only the unfinished request is called again.
    Given the auth server issues the access token "token-A"
    And the third party accepts deliveries
    And two runs as its own process
    When service one publishes two requests to one partition at once, the first answered 503 with Retry-After 30 seconds
    And the third party has received both requests
    And two is sent SIGTERM
    Then two exits with code 0 within 12 seconds
    When two is started again
    Then a DELIVERED result is published for each of them
    And the third party received the delivered request exactly once and the waiting one twice
