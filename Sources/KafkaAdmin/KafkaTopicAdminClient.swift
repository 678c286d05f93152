import KafkaProtocol

/// The Kafka administration a topic controller needs, as a seam: what a topic looks like and
/// the calls that create, grow, reconfigure and delete it. `KafkaProtocolAdminClient` speaks it
/// to real brokers.
public protocol KafkaTopicAdminClient: Sendable {
    /// Brokers, controller and the given topics (nil: all topics, []: none).
    func metadata(topics: [String]?) async throws -> MetadataResponse
    func createTopic(_ topic: CreateTopicsRequest.Topic) async throws -> CreateTopicOutcome
    /// Grows `topic` to `count` partitions in all, placed by the controller.
    func createPartitions(topic: String, count: Int32) async throws
    /// The topic's configuration as a broker describes it.
    func describeTopicConfigs(_ topic: String) async throws -> [ConfigEntry]
    /// Sets and deletes topic-level keys.
    func incrementalAlterTopicConfigs(_ topic: String, operations: [ConfigOperation]) async throws
    func deleteTopic(_ topic: String) async throws -> DeleteTopicOutcome
}

/// What DeleteTopics did; a topic already gone is an outcome, not an error.
public enum DeleteTopicOutcome: Sendable, Equatable {
    case deleted
    case notFound
}
