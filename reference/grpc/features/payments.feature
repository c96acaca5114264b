Feature: PaymentsService.DoTransaction over gRPC
  A client calls DoTransaction on a server started on a free port. The amount plus the interest is
  transferred; invalid input is refused with INVALID_ARGUMENT before anything moves.

  Background:
    Given the payments server is running on a free port

  Scenario Outline: Transferring an amount with interest
    When a client transfers <amount> with interest <interest> from "<source>" to "<target>"
    Then the answer is <answer>

    Examples: accepted
      | amount | interest | source | target | answer                      |
      | 100    | 15       | acc-1  | acc-2  | success, 115 transferred    |
      | 100    | 0        | acc-1  | acc-2  | success, 100 transferred    |

    Examples: declined by the ledger
      | amount | interest | source         | target | answer                                        |
      | 100    | 5        | frozen-account | acc-2  | declined: account frozen-account is frozen    |

    Examples: refused as invalid
      | amount | interest | source | target | answer                                                    |
      | 0      | 15       | acc-1  | acc-2  | INVALID_ARGUMENT: amount must be greater than 0           |
      | -100   | 15       | acc-1  | acc-2  | INVALID_ARGUMENT: amount must be greater than 0           |
      | 100    | -1       | acc-1  | acc-2  | INVALID_ARGUMENT: interest must not be negative           |
      | 100    | 15       | acc-1  | acc-1  | INVALID_ARGUMENT: source_account_id and target_account_id must differ |

  Scenario: A transient ledger failure is retried by the client's retry policy
    Given the ledger fails the next call with a transient error
    When a client transfers 100 with interest 15 from "acc-1" to "acc-2"
    Then the answer is success, 115 transferred
    And the ledger was called 2 times

  Scenario: A call that outlives its deadline ends with DEADLINE_EXCEEDED
    Given the ledger hangs until the call is cancelled
    When a client with a 200 ms deadline transfers 100 with interest 15 from "acc-1" to "acc-2"
    Then the answer is DEADLINE_EXCEEDED

  Scenario: The standard health service reports the payments service as serving
    When a client checks the health of "payments.v1.PaymentsService"
    Then the health status is SERVING

  Scenario: Reflection lists the payments service in development
    When a client lists the services through reflection
    Then the list contains "payments.v1.PaymentsService" and "grpc.health.v1.Health"

  Scenario: The client's trace continues on the server
    When a client transfers 100 with interest 15 from "acc-1" to "acc-2"
    Then a client span and a server span named "payments.v1.PaymentsService/DoTransaction" were recorded
    And the server span is a child of the client span
