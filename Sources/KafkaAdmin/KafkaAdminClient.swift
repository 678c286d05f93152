import KafkaProtocol

/// The Kafka administration the operator needs, as a seam: the real client speaks the wire
/// protocol (`KafkaProtocolAdminClient`); tests of other modules can put a faithful fake here.
public protocol KafkaAdminClient: KafkaAclAdminClient {
    /// Brokers, controller and the given topics (nil: all topics, []: none).
    func metadata(topics: [String]?) async throws -> MetadataResponse
    func describeCluster() async throws -> DescribeClusterResponse
    /// The configuration broker `broker` reports for itself (asked of that broker).
    func describeConfigs(broker: Int32) async throws -> [ConfigEntry]
    /// The cluster-wide dynamic defaults (the broker resource named "").
    func describeClusterDefaultConfigs() async throws -> [ConfigEntry]
    /// Sets and deletes keys on one broker or on the cluster-wide default.
    func incrementalAlterConfigs(_ target: ConfigTarget, operations: [ConfigOperation]) async throws
    func createTopic(_ topic: CreateTopicsRequest.Topic) async throws -> CreateTopicOutcome
    /// Health from metadata for all topics; `expectedBrokers` missing from it make it unhealthy.
    func healthReport(expectedBrokers: [Int32]) async throws -> ClusterHealthReport
    /// How many partition replicas each log directory of broker `broker` holds (asked of that
    /// broker with DescribeLogDirs); a directory holding none is listed with 0.
    func logDirReplicaCounts(broker: Int32) async throws -> [String: Int]
}

extension KafkaAdminClient {
    /// Health without an expectation about which brokers should be registered.
    public func healthReport() async throws -> ClusterHealthReport {
        try await healthReport(expectedBrokers: [])
    }
}

/// A SET or DELETE of one key, as IncrementalAlterConfigs carries it.
public typealias ConfigOperation = IncrementalAlterConfigsRequest.Operation

/// Where a dynamic broker config lives: on one broker, or the cluster-wide default.
public enum ConfigTarget: Sendable, Hashable, Codable, CustomStringConvertible {
    case broker(Int32)
    case clusterDefault

    /// The BROKER resource name: the broker id, or "" for the cluster-wide default.
    public var resourceName: String {
        switch self {
        case .broker(let id): return String(id)
        case .clusterDefault: return ""
        }
    }

    public var description: String {
        switch self {
        case .broker(let id): return "broker \(id)"
        case .clusterDefault: return "the cluster-wide default"
        }
    }
}

/// What CreateTopics did; an existing topic is an outcome, not an error.
public enum CreateTopicOutcome: Sendable, Equatable, Codable {
    case created
    case alreadyExists
}
