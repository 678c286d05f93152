import KafkaAdmin
import KafkaProtocol
import Testing

/// An in-memory `KafkaAdminClient` that follows Kafka's semantics for dynamic broker configs:
/// per-broker values override cluster-wide defaults; describing a broker shows each effective
/// value with its source; altering an unknown broker fails like the real request would.
actor InMemoryKafkaAdmin: KafkaAdminClient {
    var brokers: [Int32]
    var perBroker: [Int32: [String: String]] = [:]
    var clusterDefaults: [String: String] = [:]
    /// Every IncrementalAlterConfigs call, in order.
    var alterations: [(ConfigTarget, [ConfigOperation])] = []
    /// When set, IncrementalAlterConfigs answers success but stores nothing (as tansu does).
    var dropsWrites = false

    init(brokers: [Int32]) { self.brokers = brokers }

    func setDropsWrites(_ value: Bool) { dropsWrites = value }

    func metadata(topics: [String]?) async throws -> MetadataResponse {
        MetadataResponse(
            brokers: brokers.map { .init(nodeId: $0, host: "broker-\($0)", port: 9092) }, clusterId: "c",
            controllerId: brokers.first ?? -1, topics: [])
    }

    func describeCluster() async throws -> DescribeClusterResponse {
        DescribeClusterResponse(clusterId: "c", controllerId: brokers.first ?? -1, brokers: [])
    }

    func describeConfigs(broker: Int32) async throws -> [ConfigEntry] {
        guard brokers.contains(broker) else { throw KafkaAdminError.unknownBroker(id: broker) }
        var entries: [String: ConfigEntry] = [:]
        for (key, value) in clusterDefaults {
            entries[key] = ConfigEntry(
                name: key, value: value, isReadOnly: false, sourceCode: 3, isSensitive: false)
        }
        for (key, value) in perBroker[broker] ?? [:] {
            entries[key] = ConfigEntry(
                name: key, value: value, isReadOnly: false, sourceCode: 2, isSensitive: false)
        }
        return entries.values.sorted { $0.name < $1.name }
    }

    func logDirReplicaCounts(broker: Int32) async throws -> [String: Int] {
        guard brokers.contains(broker) else { throw KafkaAdminError.unknownBroker(id: broker) }
        return [:]
    }

    func describeClusterDefaultConfigs() async throws -> [ConfigEntry] {
        clusterDefaults.map {
            ConfigEntry(name: $0.key, value: $0.value, isReadOnly: false, sourceCode: 3, isSensitive: false)
        }
    }

    func incrementalAlterConfigs(_ target: ConfigTarget, operations: [ConfigOperation]) async throws {
        alterations.append((target, operations))
        if case .broker(let id) = target, !brokers.contains(id) {
            throw KafkaAdminError.unknownBroker(id: id)
        }
        guard !dropsWrites else { return }
        for operation in operations {
            switch (target, operation) {
            case (.broker(let id), .set(let key, let value)): perBroker[id, default: [:]][key] = value
            case (.broker(let id), .delete(let key)): perBroker[id]?[key] = nil
            case (.clusterDefault, .set(let key, let value)): clusterDefaults[key] = value
            case (.clusterDefault, .delete(let key)): clusterDefaults[key] = nil
            case (_, .append), (_, .subtract): Issue.record("the operator sent a list edit: \(operation)")
            }
        }
    }

    func createTopic(_ topic: CreateTopicsRequest.Topic) async throws -> CreateTopicOutcome { .created }

    func healthReport(expectedBrokers: [Int32]) async throws -> ClusterHealthReport {
        ClusterHealthReport(metadata: try await metadata(topics: nil), expectedBrokers: expectedBrokers)
    }
}
