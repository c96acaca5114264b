Feature: service __name__ consumes its topic
  The service runs in-process against real Kafka (KAFKA_BROKERS), on a topic of the scenario's own.

  Scenario: a published event is handled and counted
    Given service __name__ consumes a new topic
    When an event with a unique id is published to that topic
    Then service __name__ counts it as handled on /metrics

  Scenario: a message without an id is rejected, not retried
    Given service __name__ consumes a new topic
    When a message without an id is published to that topic
    Then service __name__ counts it as rejected on /metrics
