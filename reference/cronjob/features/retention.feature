Feature: Retention job for finished requests
  The job deletes (or archives) requests that reached a final state longer ago than the retention.
  Recent rows and unfinished rows stay, whatever their age. Runs never overlap.

  Background:
    Given a requests table of its own with a retention of 30 days and final states "completed,failed"

  Scenario: Old final rows go, recent or unfinished rows stay
    Given these requests:
      | id          | status     | last updated |
      | old-done    | completed  | 40 days ago  |
      | old-failed  | failed     | 31 days ago  |
      | new-done    | completed  | 29 days ago  |
      | old-pending | pending    | 90 days ago  |
      | old-sent    | processing | 60 days ago  |
    When the retention job runs in delete mode
    Then the job reports 2 rows
    And the table holds "new-done, old-pending, old-sent"

  Scenario: Archive mode moves old final rows to the archive table
    Given these requests:
      | id       | status    | last updated |
      | old-done | completed | 40 days ago  |
      | new-done | completed | 1 days ago   |
    When the retention job runs in archive mode
    Then the table holds "new-done"
    And the archive holds "old-done"

  Scenario: Many old rows are removed in several batches
    Given 25 completed requests last updated 45 days ago
    When the retention job runs in delete mode with batches of 10
    Then the job reports 25 rows in 3 batches
    And the table holds ""

  Scenario: A second concurrent run does nothing
    Given 25 completed requests last updated 45 days ago
    And a run of the job is in progress and paused after its first batch of 10
    When a second run starts
    Then the second run is skipped
    When the first run is allowed to finish
    Then the first run reports 25 rows
    And the table holds ""
