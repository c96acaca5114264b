Feature: The API matches its OpenAPI document
  openapi.json in backend/one is the committed OpenAPI 3.1 document, also served at /openapi.json.

  Scenario: The service serves the committed document
    When a client fetches /openapi.json
    Then it is the committed OpenAPI 3.1 document

  Scenario Outline: A <status> answer matches the document
    When a client sends <request>
    Then the answer is <status> and matches the OpenAPI document for <operation>

    Examples:
      | request                                  | status | operation      |
      | the fixture request                      | 201    | POST /one      |
      | a body with an unknown field             | 400    | POST /one      |
      | a GET for an unknown request id          | 404    | GET /one/{id}  |
      | a GET for an accepted request            | 200    | GET /one/{id}  |
      | a body of 100 KiB                        | 413    | POST /one      |
      | the fixture request as text/plain        | 415    | POST /one      |

  Scenario Outline: A <status> answer of the protected API (jwt mode, rate limited) matches the document
    Given an identity provider publishing an RS256 key "rs-1"
    And service one in jwt mode with a limit of 2 requests per 60 s
    When a client sends <request>
    Then the answer is <status> and matches the OpenAPI document for <operation>

    Examples:
      | request                                  | status | operation      |
      | the fixture request with its token       | 201    | POST /one      |
      | the fixture request without a token      | 401    | POST /one      |
      | a GET without a token                    | 401    | GET /one/{id}  |
      | the fixture request for another user     | 403    | POST /one      |
      | a GET of another user's request          | 404    | GET /one/{id}  |
      | three requests within the limit window   | 429    | POST /one      |

  Scenario: The request schema refuses every body the server refuses in the bad-input corpus
    Then every JSON body of the bad-input corpus is invalid against the request schema

  Scenario Outline: A body at the edge of the schema is accepted by the server
    When a client posts a body the schema allows: <body>
    Then the answer is 201 with a request id and a Location header pointing at it

    Examples:
      | body                                     |
      | a prompt of 4,000 emoji                  |
      | a key of 128 characters outside the BMP  |
      | a prompt with a tab and a newline        |
