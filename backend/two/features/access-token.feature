Feature: two keeps its access token fresh
  The token comes from the auth server's client-credentials endpoint and is cached; two replaces
  it shortly before it expires, and fetches a new one when the third party rejects it.

  Background:
    Given the third party accepts deliveries

  Scenario: A token is reused until half its lifetime is left, then replaced before it expires
    The margin (30 s) is longer than the token's whole lifetime (20 s): two still reuses the token
    for half of it instead of fetching one for every call.
    Given the auth server issues "token-1" expiring in "20" seconds, then "token-2"
    And two refreshes tokens 30 seconds before they expire
    And two is running
    When service one publishes an accepted request
    And a DELIVERED result is published for it after 1 attempt
    And service one publishes another accepted request
    And a DELIVERED result is published for it after 1 attempt
    Then the auth server was asked for an access token exactly once
    When 10 seconds have passed since the first token was fetched
    And service one publishes another accepted request
    Then a DELIVERED result is published for it after 1 attempt
    And the requests were sent with "Bearer token-1", "Bearer token-1" and "Bearer token-2"
    And "token-2" was fetched before "token-1" expired

  Scenario: A rejected token is replaced once and the call succeeds
    Given the auth server issues "token-revoked", then "token-fresh"
    And the third party answers 401 to "Bearer token-revoked"
    And two is running
    When service one publishes an accepted request
    Then a DELIVERED result is published for it after 2 attempts
    And the auth server was asked for an access token exactly twice
    And the third party received the request with "Bearer token-revoked" and then with "Bearer token-fresh"

  Scenario: An auth server that is briefly unavailable pauses the delivery instead of dead-lettering it
    408, 429 and 5xx from the token endpoint are transient: two backs off and asks again, spending
    no attempt at the third party, and delivers once a token comes.
    Given the auth server answers 429, 503, 408 and 429, then issues "token-A"
    And two is running
    When service one publishes an accepted request
    Then a DELIVERED result is published for it after 1 attempt
    And the third party received the request with "Bearer token-A" only
    And nothing was dead-lettered
