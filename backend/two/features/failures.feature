Feature: two retries what may succeed later and dead-letters what will not
  Timeouts, 408, 429 and 5xx are retried with backoff up to the maximum attempts (3 here);
  other 4xx are final. A request two gives up on goes to the dead-letter topic with the reasons in
  its headers, a FAILED result is published, and the replay command can put it back.

  Background:
    Given the auth server issues the access token "token-A"

  Scenario: Two 503s, then success
    Given the third party answers 503, 503, then 200
    And two is running
    When service one publishes an accepted request
    Then a DELIVERED result is published for it after 3 attempts
    And the third party received it 3 times, always with the same Idempotency-Key
    And two stored the request as DELIVERED after 3 attempts

  Scenario: A third party that keeps failing gets the request dead-lettered, and replay puts it back
    Given the third party always answers 500
    And two is running
    When service one publishes an accepted request
    Then the request is on the dead-letter topic with reason "attempts-exhausted" after 3 attempts
    And a FAILED result is published for it after 3 attempts
    And two stored the request as FAILED with the third party's status 500
    When the dead letters of that request are replayed
    Then the replay reports 1 replayed dead letter
    And the request is back on the requests topic with its original key, value and headers

  Scenario: A 400 is final: no retry, dead-lettered at once
    Given the third party answers 400
    And two is running
    When service one publishes an accepted request
    Then the request is on the dead-letter topic with reason "permanent-error" after 1 attempt
    And a FAILED result is published for it after 1 attempt
    And the third party received it exactly once

  Scenario: A storm of large dead letters neither loops nor stalls the partition
    Twelve requests of about 55 KB (the largest the API accepts) are refused: their dead letters
    together exceed what the dead-letter topic takes in one record batch, so two publishes them in
    smaller sends. Each request reaches the third party once; none is called again.
    Given the dead-letter topic takes record batches of at most 300000 bytes
    And two publishes in sends of at most 200000 bytes
    And the third party answers 400
    When service one publishes 12 requests of about 55 KB to one partition
    And two is running
    Then each of them is on the dead-letter topic with reason "permanent-error"
    And the third party received each of them exactly once

  Scenario: A dead letter that cannot be published yet is published later, without calling the third party again
    The chunk is not committed while its publish fails, so its messages come back; the request two
    already gave up on is answered from the delivery store instead of being tried three times more.
    Given the dead-letter topic does not exist yet
    And the third party always answers 500
    And two is running
    When service one publishes an accepted request
    And the third party has received it 3 times
    And two has failed to publish the chunk's outcome
    And the dead-letter topic is created
    Then the request is on the dead-letter topic with reason "attempts-exhausted" after 3 attempts
    And the third party received it 3 times, always with the same Idempotency-Key
