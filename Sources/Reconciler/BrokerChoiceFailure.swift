import ClusterModel
import KafkaAdmin
import KafkaProtocol

/// Why the broker a downScale without `brokerId` removes could not be chosen: the live data the
/// choice needs (Kafka's metadata) could not be had. The removal then waits and is tried again
/// (retryable) or is dropped (terminal), with a Warning Event saying why; no broker is removed
/// on a guess.
public struct BrokerChoiceFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: String
    public var isRetryable: Bool

    public init(reason: String, isRetryable: Bool) {
        self.reason = reason
        self.isRetryable = isRetryable
    }

    public var description: String { "the broker to remove could not be chosen: \(reason)" }
}

/// Chooses the broker a downScale without `brokerId` removes; nil when the operator has no
/// live data to choose from (no Kafka client configured: then the highest id goes).
public typealias BrokerChooser = @Sendable (KafkaCluster) async throws(BrokerChoiceFailure) -> Int32?

/// The broker holding the fewest partition replicas, from `kafka`'s metadata (ties to the
/// highest id); nil without a Kafka client. A failure to ask is thrown with its reason, never
/// answered with a guess.
public func fewestReplicasChooser(kafka: (any KafkaAdminClient)?) -> BrokerChooser {
    guard let kafka else { return fewestReplicasChooser(clients: nil) }
    return fewestReplicasChooser(clients: { @Sendable _ in kafka })
}

/// The same, asking each cluster's own client; a client that cannot be had is a retryable
/// failure to ask.
public func fewestReplicasChooser(clients: KafkaClientProvider?) -> BrokerChooser {
    { cluster throws(BrokerChoiceFailure) in
        guard let clients else { return nil }
        let metadata: MetadataResponse
        do {
            metadata = try await clients(cluster).metadata(topics: nil)
        } catch {
            throw BrokerChoiceFailure(
                reason: "\(error)", isRetryable: (error as? KafkaAdminError)?.isRetryable ?? true)
        }
        return fewestReplicasBroker(metadata: metadata, candidates: cluster.spec.brokers.map(\.id))
    }
}

/// How many partition replicas each broker of a cluster holds, from Kafka's metadata.
public typealias ReplicaCounter = @Sendable (KafkaCluster) async throws -> [Int32: Int]

/// `kafka`'s answer for every cluster (the operator's one Kafka client).
public func replicaCounter(kafka: any KafkaAdminClient) -> ReplicaCounter {
    replicaCounter(clients: { _ in kafka })
}

/// Each cluster's own client's answer.
public func replicaCounter(clients: @escaping KafkaClientProvider) -> ReplicaCounter {
    { cluster in replicaCounts(metadata: try await clients(cluster).metadata(topics: nil)) }
}

/// How many partition replicas each log directory of a cluster's broker holds.
public typealias LogDirReplicaCounter = @Sendable (KafkaCluster, Int32) async throws -> [String: Int]

/// `kafka`'s answer for every cluster, asked of the broker itself.
public func logDirReplicaCounter(kafka: any KafkaAdminClient) -> LogDirReplicaCounter {
    logDirReplicaCounter(clients: { _ in kafka })
}

/// Each cluster's own client's answer.
public func logDirReplicaCounter(clients: @escaping KafkaClientProvider) -> LogDirReplicaCounter {
    { cluster, broker in try await clients(cluster).logDirReplicaCounts(broker: broker) }
}

/// The Kafka admin client the operator reaches a cluster's brokers with: the cluster's own
/// (its bootstrap and, on an SSL listener, the operator's certificate for that cluster), or
/// the one configured for every cluster. Throws when the cluster cannot be reached yet (its
/// client certificate is not issued).
public typealias KafkaClientProvider = @Sendable (KafkaCluster) async throws -> any KafkaAdminClient
