Feature: two keeps its access token fresh
  The token comes from the auth server's client-credentials endpoint and is cached; two replaces
  it shortly before it expires, and fetches a new one when the third party rejects it.

  Background:
    Given the third party accepts deliveries

  Scenario: A token close to its expiry is replaced before it expires
    Given the auth server issues "token-1" expiring in "20" seconds, then "token-2"
    And two refreshes tokens 30 seconds before they expire
    And two is running
    When service one publishes an accepted request
    And a DELIVERED result is published for it after 1 attempt
    And service one publishes another accepted request
    Then a DELIVERED result is published for it after 1 attempt
    And the first request was sent with "Bearer token-1" and the second with "Bearer token-2"
    And "token-2" was fetched before "token-1" expired

  Scenario: A rejected token is replaced once and the call succeeds
    Given the auth server issues "token-revoked", then "token-fresh"
    And the third party answers 401 to "Bearer token-revoked"
    And two is running
    When service one publishes an accepted request
    Then a DELIVERED result is published for it after 2 attempts
    And the auth server was asked for an access token exactly twice
    And the third party received the request with "Bearer token-revoked" and then with "Bearer token-fresh"
