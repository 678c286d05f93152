import AddressResolution
import ClusterModel
import CruiseControl
import Logging
import Reconciler
import Synchronization

/// One Cruise Control client per address, made on first use: each cluster's Cruise Control is
/// reached at the address its spec gives (`cruiseControlEndpoint`) or its Service's name, as on
/// Kubernetes, through `resolver` (local mode maps the Service to the simulator's port).
final class CruiseControlClients: Sendable {
    private let resolver: @Sendable () async -> any AddressResolver
    private let clients = Mutex<[String: CruiseControlRESTClient]>([:])
    private let logger: Logger

    init(resolver: @escaping @Sendable () async -> any AddressResolver, logger: Logger) {
        self.resolver = resolver
        self.logger = logger
    }

    func client(for cluster: KafkaCluster) async -> (any CruiseControlClient)? {
        let (host, port) = ResourceConventions.cruiseControlAddress(
            cluster: cluster.metadata.name, namespace: cluster.metadata.namespace ?? "", spec: cluster.spec)
        let url = "http://\(host):\(port)"
        if let known = clients.withLock({ $0[url] }) { return known }
        let configuration = CruiseControlClientConfiguration(url: url, resolver: await resolver())
        do {
            let client = try CruiseControlRESTClient(configuration: configuration, logger: logger)
            return clients.withLock { cache in
                if let raced = cache[url] { return raced }
                cache[url] = client
                return client
            }
        } catch {
            logger.error(
                "Cruise Control cannot be reached", metadata: ["url": "\(url)", "error": "\(error)"])
            return nil
        }
    }
}
