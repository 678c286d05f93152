import ArgumentParser
import ClusterModel
import Foundation
import KafkaAdmin
import Kubernetes
import Logging
import Reconciler
import Synchronization

/// The operator's Kafka admin client for each cluster. A client configured with the `--kafka-*`
/// options serves every cluster. Otherwise each cluster the operator can reach (every one on
/// Kubernetes; local mode's simulated one) gets a client of its own, made from its spec
/// (`OperatorKafkaConnection`): its Service on the client-facing listener, with the operator's
/// certificate for that cluster when the listener is SSL. The connection is read again after
/// `refreshInterval`, so a renewed certificate is picked up; a client whose connection did not
/// change is kept, with its pooled broker connections.
final class KafkaClients: Sendable {
    private let configured: KafkaProtocolAdminClient?
    private let reach: Reach
    private let api: any KubernetesAPI
    private let options: KafkaAdminOptions
    private let refreshInterval: Duration
    private let logger: Logger
    private let clients = Mutex<[ClusterKey: Entry]>([:])

    /// The clusters a client is made for when none is configured.
    enum Reach: Sendable {
        case everyCluster
        case only(ClusterKey)
        /// `--kafka-connection off`: the operator works without Kafka.
        case none

        func includes(_ key: ClusterKey) -> Bool {
            switch self {
            case .everyCluster: true
            case .only(let reachable): key == reachable
            case .none: false
            }
        }
    }

    private struct Entry {
        var connection: OperatorKafkaConnection
        var client: KafkaProtocolAdminClient
        var readAt: ContinuousClock.Instant
    }

    /// - Parameters:
    ///   - options: timeouts, address resolution and the like; TLS comes from each cluster.
    init(
        configured: KafkaProtocolAdminClient?, reach: Reach,
        api: any KubernetesAPI, options: KafkaAdminOptions, refreshInterval: Duration = .seconds(30),
        logger: Logger
    ) {
        self.configured = configured
        self.reach = reach
        self.api = api
        self.options = options
        self.refreshInterval = refreshInterval
        self.logger = logger
    }

    /// Whether any cluster can have a client: without, the reconciler works without Kafka.
    var reachesAnyCluster: Bool {
        if configured != nil { return true }
        if case .none = reach { return false }
        return true
    }

    /// The client for `cluster`, whose spec the caller has just read.
    func client(for cluster: KafkaCluster) async throws(OperatorKafkaConnectionError)
        -> KafkaProtocolAdminClient
    {
        let key = ClusterKey(namespace: cluster.metadata.namespace ?? "default", name: cluster.metadata.name)
        return try await client(key) { () async throws(OperatorKafkaConnectionError) in
            try await OperatorKafkaConnection.read(cluster, api: api)
        }
    }

    /// The client for the cluster `key` names; nil (logged) when it cannot be had.
    func client(for key: ClusterKey) async -> KafkaProtocolAdminClient? {
        do {
            return try await client(key) { () async throws(OperatorKafkaConnectionError) in
                try await OperatorKafkaConnection.read(key, api: api)
            }
        } catch {
            logger.info(
                "no Kafka client for the cluster", metadata: ["cluster": "\(key)", "reason": "\(error)"])
            return nil
        }
    }

    private func client(
        _ key: ClusterKey,
        reading read: () async throws(OperatorKafkaConnectionError) -> OperatorKafkaConnection
    ) async throws(OperatorKafkaConnectionError) -> KafkaProtocolAdminClient {
        if let configured { return configured }
        guard reach.includes(key) else { throw .notReachable(key) }
        let now = ContinuousClock.now
        if let fresh = clients.withLock({ $0[key] }), now - fresh.readAt < refreshInterval {
            return fresh.client
        }
        let connection = try await read()
        return try clients.withLock { (clients) throws(OperatorKafkaConnectionError) in
            if let known = clients[key], known.connection == connection {
                clients[key]?.readAt = now
                return known.client
            }
            var options = options
            options.tls = connection.tls
            let client: KafkaProtocolAdminClient
            do {
                client = try KafkaProtocolAdminClient(bootstrap: [connection.bootstrap], options: options)
            } catch {
                throw .unreadable("a Kafka client for \(key): \(error)")
            }
            clients[key] = Entry(connection: connection, client: client, readAt: now)
            return client
        }
    }
}

/// `serve --kafka-connection`: whether the operator reaches each cluster's brokers by its spec.
enum KafkaConnectionMode: String, CaseIterable, ExpressibleByArgument, Sendable {
    case spec
    case off
}
