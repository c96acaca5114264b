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
