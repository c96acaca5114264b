Feature: Bad input is refused
  Every refused request gets an RFC 9457 application/problem+json answer, and nothing is stored
  or published for it.

  Scenario Outline: <body> is refused with <status>
    When a client posts <body> to /one
    Then the answer is a <status> problem+json of type "<type>"
    And no request is stored for the client's user id
    And the outbox holds nothing for the client's user id

    Examples:
      | body                                  | status | type                              |
      | malformed JSON                        | 400    | urn:problem:one:malformed-json    |
      | a body without the prompt field       | 400    | urn:problem:one:validation-failed |
      | a body whose data is a string         | 400    | urn:problem:one:validation-failed |
      | a body whose user_id is a number      | 400    | urn:problem:one:validation-failed |
      | a body with an unknown field          | 400    | urn:problem:one:validation-failed |
      | a body with a __proto__ key           | 400    | urn:problem:one:validation-failed |
      | a body of 100 KiB                     | 413    | about:blank                       |
      | the fixture request as text/plain     | 415    | about:blank                       |

  Scenario: A validation failure lists the offending fields
    When a client posts a body whose data is a string to /one
    Then the answer lists the field "/data" as invalid
