// The catalog of Kafka's dynamic configuration keys lives in its own target so that the
// simulated broker can refuse what real Kafka refuses from the same table; the model's users
// keep seeing it as part of the model.
@_exported import KafkaConfigKeys
