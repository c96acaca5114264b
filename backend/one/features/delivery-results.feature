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
