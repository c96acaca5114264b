Feature: two counts the dead letters that wait for a replay
  two_dead_letters_unreplayed (on /metrics and OTLP) is the dead-letter topic's retained messages
  minus the ones `make replay` has put back (or skipped as delivered since), as recorded in two's
  database. It is what an alert on "dead letters nobody looked at" watches.

  Background:
    Given the auth server issues the access token "token-A"

  Scenario: Dead letters count until they are replayed
    Given the third party answers 400
    And two is running
    When service one publishes 3 accepted requests at once
    Then each of them is on the dead-letter topic with reason "permanent-error"
    And two reports 3 unreplayed dead letters on /metrics
    Given the third party accepts deliveries from now on
    When the dead letters of that request are replayed
    Then a DELIVERED result follows its FAILED one
    And two reports 2 unreplayed dead letters on /metrics
    And the replay of its dead letter is recorded in two's database
