Feature: the delivery store never forgets a delivery
  After a rebalance two handlings of one request can finish in either order, and one chunk can hold
  the same request twice. The store keeps one row per request id: once DELIVERED it stays DELIVERED,
  and every call made is counted.

  Scenario: A FAILED outcome stored after the delivery does not undo it
    Given a request stored as DELIVERED after 1 attempt with the third party's status 200
    When a FAILED outcome after 3 attempts with status 500 is stored for it
    Then the request is still DELIVERED with status 200, its delivery time unchanged, after 4 attempts

  Scenario Outline: Two outcomes for one request in one chunk are combined, DELIVERED winning
    Given a request seen for the first time
    When the outcomes <outcomes> are stored for it in one chunk
    Then the request is DELIVERED after <attempts> attempts

    Examples:
      | outcomes            | attempts |
      | "FAILED, DELIVERED" | 4        |
      | "DELIVERED, FAILED" | 4        |
