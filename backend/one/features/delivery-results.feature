Feature: Delivery results from service two
  Service two reports each outcome on three-result; service one records it and never moves a
  request backwards, whatever order or how often the events arrive.

  Scenario: A DELIVERED result shows, and a stale result arriving later changes nothing
    Given a request accepted by service one
    When service two reports it DELIVERED after 2 attempts
    Then GET /one/<id> shows the request as DELIVERED with 2 attempts
    When service two reports it FAILED after 1 attempt, out of order
    And service one has read that report
    Then GET /one/<id> shows the request as DELIVERED with 2 attempts

  Scenario: Results one cannot apply are skipped and counted, and later results on the partition still apply
    Given a request accepted by service one
    When service two's topic carries unusable results for it: an id beyond int8, attempts beyond int4, attempts as text, an unknown status, no JSON
    And service two reports it DELIVERED after 2 attempts
    Then GET /one/<id> shows the request as DELIVERED with 2 attempts

  # The compare-and-set runs in PostgreSQL (postgres-request-store.ts APPLY_RESULT, parameterised by
  # status-rules.ts); these rows run that SQL itself, not a copy of the rule.
  Scenario Outline: In PostgreSQL, <event> after <m> attempts on a <stored> request with <n> attempts is <outcome>
    Given a request stored in PostgreSQL as <stored> with <n> attempts
    When the result store applies <event> after <m> attempts
    Then the outcome is "<outcome>" and the stored request is <final> with <final_attempts> attempts

    Examples:
      | stored    | n | event     | m | outcome | final     | final_attempts |
      | ACCEPTED  | 0 | DELIVERED | 1 | applied | DELIVERED | 1              |
      | PUBLISHED | 0 | FAILED    | 5 | applied | FAILED    | 5              |
      | FAILED    | 5 | DELIVERED | 6 | applied | DELIVERED | 6              |
      | FAILED    | 5 | FAILED    | 6 | applied | FAILED    | 6              |
      | FAILED    | 5 | FAILED    | 5 | stale   | FAILED    | 5              |
      | FAILED    | 5 | FAILED    | 3 | stale   | FAILED    | 5              |
      | DELIVERED | 2 | FAILED    | 9 | stale   | DELIVERED | 2              |
      | DELIVERED | 2 | DELIVERED | 3 | stale   | DELIVERED | 2              |
