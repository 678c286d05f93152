import AddressResolution
import ClusterModel
import CruiseControl
import HTTPClient
import Kubernetes
import Logging
import Reconciler
import Synchronization

/// One Cruise Control client per address and TLS material, made on first use: each cluster's
/// Cruise Control is reached at the address its spec gives (`cruiseControlEndpoint`) or its
/// Service's name, as on Kubernetes, through `resolver` (local mode maps the Service to the
/// simulator's port); over HTTPS with the operator's certificate for the cluster when Cruise
/// Control's web server has TLS on (`OperatorCruiseControlConnection`). A cluster's connection
/// is read again after `refreshInterval`, so a renewed certificate is picked up.
final class CruiseControlClients: Sendable {
    private let resolver: @Sendable () async -> any AddressResolver
    private let api: any KubernetesAPI
    private let clients = Mutex<[OperatorCruiseControlConnection: CruiseControlRESTClient]>([:])
    private let connections = Mutex<[String: (OperatorCruiseControlConnection, ContinuousClock.Instant)]>([:])
    private let refreshInterval: Duration
    private let logger: Logger

    init(
        resolver: @escaping @Sendable () async -> any AddressResolver, api: any KubernetesAPI,
        refreshInterval: Duration = .seconds(30), logger: Logger
    ) {
        self.resolver = resolver
        self.api = api
        self.refreshInterval = refreshInterval
        self.logger = logger
    }

    func client(for cluster: KafkaCluster) async -> (any CruiseControlClient)? {
        guard let connection = await connection(for: cluster) else { return nil }
        if let known = clients.withLock({ $0[connection] }) { return known }
        var configuration = CruiseControlClientConfiguration(url: connection.url, resolver: await resolver())
        if let tls = connection.tls {
            configuration.tls = TLSConfiguration(
                certificateAuthority: Array(tls.caPEM.utf8),
                clientCertificate: Array(tls.certificatePEM.utf8),
                clientKey: Array(tls.privateKeyPEM.utf8))
        }
        do {
            let client = try CruiseControlRESTClient(configuration: configuration, logger: logger)
            return clients.withLock { cache in
                if let raced = cache[connection] { return raced }
                // A renewed certificate replaces the cluster's client.
                cache = cache.filter { $0.key.url != connection.url }
                cache[connection] = client
                return client
            }
        } catch {
            logger.error(
                "Cruise Control cannot be reached",
                metadata: ["url": "\(connection.url)", "error": "\(error)"])
            return nil
        }
    }

    private func connection(for cluster: KafkaCluster) async -> OperatorCruiseControlConnection? {
        let key = "\(cluster.metadata.namespace ?? "default")/\(cluster.metadata.name)"
        let now = ContinuousClock.now
        if let (known, readAt) = connections.withLock({ $0[key] }), now - readAt < refreshInterval {
            return known
        }
        do {
            let connection = try await OperatorCruiseControlConnection.read(cluster, api: api)
            connections.withLock { $0[key] = (connection, now) }
            return connection
        } catch {
            logger.info(
                "Cruise Control is not reached yet", metadata: ["cluster": "\(key)", "error": "\(error)"])
            return nil
        }
    }
}
