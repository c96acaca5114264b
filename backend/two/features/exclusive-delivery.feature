Feature: a request is delivered by one instance at a time, also across a rebalance
  While a chunk runs, two heartbeats (not only between chunks), so a call slower than the session
  timeout does not cost the partition. And a delivery in flight holds a lease on its row in the
  delivery store: another instance that meets the same message (the partition's next owner after a
  rebalance, while the previous one still finishes its call) waits for the lease to end and acts on
  the final state, so the third party is not called twice.

  Background:
    Given the auth server issues the access token "token-A"

  Scenario: A call slower than the session timeout keeps the partition and is made once
    Given the third party accepts deliveries after 9 seconds
    And two runs as two instances in one consumer group with a session timeout of 6 seconds
    When service one publishes an accepted request
    Then a DELIVERED result is published for it after 1 attempt
    And no instance rejoined the consumer group since the request was published
    And the third party received it exactly once

  Scenario: Two instances handling the same message at once call the third party once
    Both instances read every message (two consumer groups): the overlap a rebalance makes when the
    partition's previous owner is still in its call.
    Given the third party accepts deliveries after 3 seconds
    And two runs as two instances that both read every request
    When service one publishes an accepted request
    Then a DELIVERED result is published for it by each instance, each after 1 attempt
    And the third party received it exactly once
    And one instance waited for the other's lease instead of calling
    And no lease is left on the request

  Scenario: A request leased by an instance that died is delivered once that lease has expired
    Given the third party accepts deliveries
    And an instance that died holds the lease of the next request for 3 more seconds
    And two is running
    When service one publishes the leased request
    Then a DELIVERED result is published for it after 1 attempt
    And the third party received it exactly once
    And the third party was called for it only after the lease had expired
    And one instance waited for the other's lease instead of calling
    And no lease is left on the request
