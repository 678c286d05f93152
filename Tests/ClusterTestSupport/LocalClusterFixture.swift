import HTTPClient
import Kubernetes
import LocalCluster
import Logging
import TestSupport

/// A local cluster on a free loopback port with a quick kubelet, and our libcurl client pointed
/// at it over real HTTP: the peer for every test of code that talks to the Kubernetes API.
public final class LocalClusterFixture: Sendable {
    public let cluster: LocalCluster
    public let client: KubernetesClient
    public let baseURL: String

    /// Pods become Ready this long after they are created.
    public static let quickKubelet = LocalClusterConfiguration.KubeletTiming(
        scheduleDelay: .milliseconds(10), startDelay: .milliseconds(20), readyDelay: .milliseconds(30),
        bindDelay: .milliseconds(10), stopDelay: .milliseconds(20))

    public static func start(
        dataDirectory: String? = nil, kubelet: LocalClusterConfiguration.KubeletTiming = quickKubelet,
        namespaces: [String] = ["kafka"], retryPolicy: RetryPolicy = .standard, watchHistory: Int = 1000
    ) async throws -> LocalClusterFixture {
        var logger = Logger(label: "local-cluster-test")
        logger.logLevel = .critical
        let cluster = LocalCluster(
            configuration: LocalClusterConfiguration(
                dataDirectory: dataDirectory, kubelet: kubelet, watchHistory: watchHistory,
                bookmarkInterval: .milliseconds(500)),
            logger: logger)
        try await cluster.start()
        let baseURL = try cluster.baseURL
        var configuration = KubernetesClientConfiguration(server: baseURL)
        configuration.retryPolicy = retryPolicy
        configuration.requestTimeout = .seconds(10)
        let client = try KubernetesClient(configuration: configuration, logger: logger)
        let fixture = LocalClusterFixture(cluster: cluster, client: client, baseURL: baseURL)
        for namespace in namespaces { try await fixture.createNamespace(namespace) }
        return fixture
    }

    private init(cluster: LocalCluster, client: KubernetesClient, baseURL: String) {
        self.cluster = cluster
        self.client = client
        self.baseURL = baseURL
    }

    public func stop() async { await cluster.stop() }

    public func createNamespace(_ name: String) async throws {
        try await client.createNamespaceUnlessPresent(name)
    }
}
