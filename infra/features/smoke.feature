Feature: The infrastructure the services stand on is real and reachable
  `make infra-up` starts Kafka, PostgreSQL, Redis and WireMock (natively or with Docker).
  These scenarios prove each one works before any service test relies on it.

  Scenario: Kafka carries a message from a producer to a consumer
    Given a new topic with 1 partition
    When a producer sends a message with a unique key to that topic
    Then a consumer in a new group reads that message back with its key and headers

  Scenario: Kafka has the topics of the flow with their partition counts
    Then the topic "one-request" has 3 partitions
    And the topic "one-request.dlq" has 1 partition
    And the topic "three-result" has 3 partitions

  Scenario: PostgreSQL stores a row and returns it
    When a row with a unique id is written to PostgreSQL
    Then reading that id from PostgreSQL returns the same row

  Scenario: Redis keeps a key with an expiry
    When a unique key is set in Redis with a 60 second expiry
    Then Redis returns the value and a positive time to live for that key

  Scenario: WireMock answers with a registered stub and records the call
    Given a WireMock stub for GET on a unique path answering 200 with a JSON body
    When the unique path is called once
    Then the call receives the stubbed JSON body
    And WireMock has recorded exactly 1 request to that path
