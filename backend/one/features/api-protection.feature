Feature: API protection: bearer tokens, ownership, shared rate limits, security headers
  In `jwt` mode service one lets in only callers with a valid token from its identity provider
  (a stand-in JWKS server on a local port, @pkg/auth/dev-issuer), each reading only their own
  requests. The rate limit lives in the real Redis, shared by every instance of one.

  Scenario Outline: A request without a valid token is refused with 401 and a Bearer challenge
    Given an identity provider publishing an RS256 key "rs-1"
    And service one in jwt mode trusting that provider
    When a client posts its own request with <token>
    Then the answer is 401 with a Bearer challenge
    And no request is stored for the client's user id

    Examples:
      | token                                           |
      | no token                                        |
      | an expired token                                |
      | a token that is not valid yet                   |
      | a token with a tampered payload                 |
      | a token from another issuer                     |
      | a token for another audience                    |
      | an unsigned token (alg none)                    |
      | an HS256 token keyed with the public key        |
      | a token signed with a key that was never published |
      | a token that is not a JWT                       |

  Scenario: A valid token posts and reads its own request
    Given an identity provider publishing an RS256 key "rs-1"
    And service one in jwt mode trusting that provider
    When a client posts its own request with a valid token
    Then the answer is 201 with a request id and a Location header pointing at it
    And the request is stored with the client's user id
    And the client reads its request with its token and gets 200

  Scenario: A body naming another user is refused with 403
    Given an identity provider publishing an RS256 key "rs-1"
    And service one in jwt mode trusting that provider
    When a client posts a request for another user with a valid token
    Then the answer is a 403 problem+json of type "urn:problem:one:not-your-user"
    And no request is stored for the client's user id

  Scenario: Another user's request is not found, unless the token may read any
    Given an identity provider publishing an RS256 key "rs-1"
    And service one in jwt mode trusting that provider
    And a client has posted its own request with a valid token
    When another user reads that request
    Then the answer is a 404 problem+json of type "about:blank"
    When a support user with the read-any scope reads that request
    Then the answer is 200 with the request

  Scenario: Tokens with unknown key ids refetch the key set at most once per cooldown
    Given an identity provider publishing an RS256 key "rs-1"
    And service one in jwt mode trusting that provider
    And the client has posted its own request with a valid token
    When the client sends 5 requests signed with a key that was never published
    Then every one of them is answered 401 with a Bearer challenge
    And the key set was fetched at most once more

  Scenario: The key server down answers 503, not 401
    Given an identity provider publishing an RS256 key "rs-1"
    And service one in jwt mode trusting that provider
    When the identity provider's key server goes down
    And a client posts its own request with a valid token
    Then the answer is a 503 problem+json of type "about:blank"
    And the answer has no WWW-Authenticate header

  Scenario: Two instances of one share each caller's limit
    Given an identity provider publishing an RS256 key "rs-1"
    And two instances of service one in jwt mode with a limit of 3 requests per 60 s
    When the client posts 2 requests to the first instance and 1 to the second
    Then all 3 are accepted with RateLimit headers counting down to 0
    When the client posts 1 more request to the second instance
    Then the answer is a 429 problem+json of type "about:blank"
    And the answer has a Retry-After header and RateLimit headers with 0 remaining
    And another user posting to the first instance is accepted

  Scenario: In none mode the limit is per client address
    Given service one in none mode with a limit of 2 requests per 60 s
    When a client posts the fixture request to /one 2 times
    And a client posts the fixture request to /one
    Then the answer is a 429 problem+json of type "about:blank"

  Scenario: Redis down lets requests through (fail open), counted and logged
    Given service one in none mode with a limit of 2 requests per 60 s behind a Redis proxy
    When Redis becomes unreachable for service one
    And a client posts the fixture request to /one 3 times
    Then all of them are accepted
    And the metric one_ratelimit_unavailable_total counts them
    When Redis is reachable again
    And a client posts the fixture request to /one 3 times
    Then the last answer is 429

  Scenario: Security headers on every answer, CORS only for allowed origins
    Given service one in none mode allowing the origin "https://app.example.com"
    When a browser on "https://app.example.com" reads /one/1
    Then the answer allows the origin "https://app.example.com"
    And the answer carries the headers X-Content-Type-Options "nosniff" and X-Frame-Options "SAMEORIGIN"
    When a browser on "https://evil.example.com" reads /one/1
    Then the answer allows no origin
