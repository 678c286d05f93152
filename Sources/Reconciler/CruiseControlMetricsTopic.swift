import ClusterModel
import KafkaAdmin
import KafkaProtocol

/// Creates a topic through Kafka's admin API: `created`, or `alreadyExists` when it was there.
public typealias TopicCreator =
    @Sendable (KafkaCluster, CreateTopicsRequest.Topic) async throws -> CreateTopicOutcome

/// The topic creator of `kafka`; nil without a Kafka client.
public func topicCreator(kafka: (any KafkaAdminClient)?) -> TopicCreator? {
    guard let kafka else { return nil }
    return topicCreator(clients: { @Sendable _ in kafka })
}

/// Creates the topic through each cluster's own client; nil without clients.
public func topicCreator(clients: KafkaClientProvider?) -> TopicCreator? {
    guard let clients else { return nil }
    return { cluster, topic in try await clients(cluster).createTopic(topic) }
}

/// Cruise Control's metrics topic, which the operator creates once the brokers run, as
/// Koperator does: named as the brokers' reporter writes it (`__CruiseControlMetrics` unless
/// the cluster's `readOnlyConfig` renames it), shaped by `cruiseControlConfig.topicConfig`.
/// An existing topic is left as it is (a later `topicConfig` does not reshape it). When the
/// cluster's `readOnlyConfig` has the reporter create it (`cruise.control.metrics.topic.auto.create=true`),
/// the operator leaves it to the reporter and counts it as ready, as Koperator does.
enum CruiseControlMetricsTopic {
    /// The topic to create; nil when the operator runs no Cruise Control for the cluster.
    static func topic(for spec: KafkaClusterSpec) -> CreateTopicsRequest.Topic? {
        guard spec.runsCruiseControl, let config = spec.cruiseControlConfig else { return nil }
        let shape = config.metricsTopic
        // Validation bounds the factor to 16 bits; clamping only guards an unvalidated spec.
        return CreateTopicsRequest.Topic(
            name: spec.cruiseControlMetricsTopic, partitions: shape.partitions,
            replicationFactor: Int16(clamping: shape.replicationFactor))
    }

    /// What a pass does about the topic.
    enum Decision: Equatable {
        /// No Cruise Control here: the status field goes.
        case none
        /// Nothing to ask Kafka: the topic is known to exist, or cannot be created yet (no
        /// Kafka client, brokers still starting). The status field is `status`.
        case keep(CruiseControlTopicStatus?)
        /// Ask Kafka to create it.
        case create(CreateTopicsRequest.Topic)
    }

    /// Whether this pass creates the topic: only when Cruise Control runs here, the status
    /// does not already say the topic exists, a Kafka client is configured and every broker is
    /// Ready (before that, the request could only fail).
    static func decide(
        spec: KafkaClusterSpec, recorded: CruiseControlTopicStatus?, canCreate: Bool, brokersReady: Bool
    ) -> Decision {
        guard let topic = topic(for: spec) else { return .none }
        if recorded == .ready || spec.cruiseControlReporterCreatesTopic { return .keep(.ready) }
        guard canCreate else { return .keep(recorded) }
        return brokersReady ? .create(topic) : .keep(.notReady)
    }

    /// Whether a failed creation can succeed on a later try without a change of spec: Kafka
    /// unreachable or busy, yes; a refusal (too few brokers for the replication factor, a policy),
    /// no, until the spec or the cluster changes.
    static func isRetryable(_ error: any Error) -> Bool {
        (error as? KafkaAdminError)?.isRetryable ?? true
    }
}
