Feature: The payments API lets in exactly the callers whose token and role fit the route
  The API and a stand-in identity provider (JWKS on a local port) run for real; tokens are signed
  with keys the provider publishes, or with one it does not.

  Background:
    Given an identity provider publishing an RS256 key "rs-1"
    And the payments API trusting that provider

  Scenario Outline: A token's scope decides which routes answer
    When a caller with scope "<scope>" sends <method> /api/payments
    Then the API answers <status>

    Examples:
      | scope          | method | status |
      | payments:read  | GET    | 200    |
      | payments:read  | POST   | 403    |
      | payments:write | POST   | 202    |
      | admin          | GET    | 200    |

  Scenario: No token, no entry
    When a caller without a token sends GET /api/payments
    Then the API answers 401 with problem details titled "Unauthorized"

  Scenario: A token signed with a key the provider never published is refused
    Given the provider also holds an unpublished key "rs-2"
    When a caller with scope "payments:read" signed by "rs-2" sends GET /api/payments
    Then the API answers 401 with problem details titled "Unauthorized"
