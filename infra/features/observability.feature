Feature: Telemetry of one request: one trace across both services, correlated logs, metrics
  one and two export traces, metrics and logs over OTLP (here to a receiver inside the test, in
  production to the collector) and serve Prometheus text on /metrics. A request posted to one is
  one trace from one's HTTP server span to two's third-party call and back to one's result consumer,
  linked parent to child across Kafka, and every log line written while handling it carries its ids.

  Background:
    Given services one and two are running as processes, exporting telemetry to a test OTLP receiver

  Scenario: One trace covers every hop of a request, parent to child
    When a client posts the example request to one, which the third party first answers 401
    And GET /one/{id} shows the request as DELIVERED
    Then one trace holds one's server span for POST /one and its database insert
    And one's "send one-request" span is in the same trace, below the server span
    And two's "process one-request" span is a child of one's "send one-request" span
    And two's token call and both /three calls are client spans below its processing span
    And two's "send three-result" span is below its processing span, and one's "process three-result" span is its child
    And log records of one and two written while handling it carry its trace id and request id
    And no span, log record or log line of either service contains the client secret, the access token or an Authorization header

  Scenario: A rejected token and an auth server that fails leak no secret either
    Production token settings (the token is cached): a 401 from the third party makes two fetch a
    fresh token, and the auth server answers 503, 429 and 503 before it issues one: more failures
    than the token client retries, so the delivery pauses and logs why.
    When a client posts a request which the third party first answers 401, while the auth server answers 503, 429 and 503 before it issues a token
    And GET /one/{id} shows the request as DELIVERED
    Then the auth server answered every failure before it issued a token, and two logged the pause
    And no span, log record or log line of either service contains the client secret, the access token or an Authorization header

  Scenario: Under concurrent requests every trace shows the statement that stored its request
    One writes the requests accepted together in one INSERT (group commit): the INSERT is a child of
    the first request's "commit wait" span, and every other request's "commit wait" links to that span.
    When a client posts 40 requests to one at once
    Then each request's trace holds one's server span and a "commit wait" span below it
    And each "commit wait" span has the INSERT below it, or links to the "commit wait" span that has it
    And at least one INSERT stored more than one request

  Scenario: The metrics the dashboards use are exported over OTLP and served on /metrics
    When a client posts one valid request, one invalid request, one the third party refuses and one it answers 503 first
    Then the OTLP receiver has the metrics:
      | http.server.request.duration |
      | one.requests.accepted        |
      | one.requests.rejected        |
      | one.outbox.backlog           |
      | one.outbox.publish.latency   |
      | two.messages.handled         |
      | two.handler.duration         |
      | two.retries                  |
      | two.dead_letters             |
      | two.token_fetches            |
      | two.third_party.duration     |
      | two.consumer.lag             |
      | two.dead_letters.unreplayed  |
      | two.end_to_end.latency       |
    And one's /metrics has the series:
      | http_server_request_duration_seconds_bucket |
      | one_requests_accepted_total                 |
      | one_requests_rejected_total                 |
      | one_outbox_backlog                          |
      | one_outbox_publish_latency_seconds_bucket   |
    And two's /metrics has the series:
      | two_messages_handled_total              |
      | two_handler_duration_seconds_bucket     |
      | two_retries_total                       |
      | two_dead_letters_total                  |
      | two_token_fetches_total                 |
      | two_third_party_duration_seconds_bucket |
      | two_consumer_lag                        |
      | two_dead_letters_unreplayed             |
      | two_end_to_end_latency_seconds_bucket   |

  Scenario: Each service's /metrics is valid Prometheus exposition
    Then each service's /metrics passes "promtool check metrics"

  Scenario: Without a collector the services run normally and stay quiet
    Given service one is running as a process whose OTLP endpoint is a closed port
    When a client posts 5 requests to that service
    Then every request is answered 201 and published, and the service wrote no export errors
