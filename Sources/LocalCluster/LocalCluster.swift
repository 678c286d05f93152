import HTTPServer
import JSON
import Logging
import ServiceLifecycle
import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// An embedded Kubernetes API server for the operator's no-cluster mode and for tests: the
/// REST API subset the operator uses (core pods, configmaps, PVCs, services, secrets, events,
/// namespaces; apps/v1 deployments; the KafkaCluster and CruiseControlOperation custom resources)
/// with the real semantics, discovery good enough for kubectl, a simulated kubelet, garbage
/// collection, persistence and injectable faults.
///
/// Start it with `start()` (or run it as a `Service`), point a client at `kubeconfig()`, and
/// stop it with `stop()`.
public final class LocalCluster: Service, Sendable {
    private struct Running: Sendable {
        let store: ObjectStore
        let server: HTTPServer
        let serverTask: Task<Void, any Error>
        let controllers: [Task<Void, Never>]
        let port: UInt16
    }

    private enum State: Sendable {
        case idle
        case starting
        case running(Running)
        case stopped
    }

    public let configuration: LocalClusterConfiguration
    /// Faults to inject into API requests, watches and the kubelet; usable before and after start.
    public let faults = FaultInjector()
    /// Every request served: verb, resource and user agent.
    public let audit = RequestAudit()
    private let logger: Logger
    private let state = Mutex<State>(.idle)

    public init(
        configuration: LocalClusterConfiguration = LocalClusterConfiguration(),
        logger: Logger = Logger(label: "local-cluster")
    ) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Loads the stored objects, starts listening and starts the kubelet and the garbage
    /// collector. Returns once the API answers.
    public func start() async throws {
        try state.withLock { state throws(LocalClusterError) in
            guard case .idle = state else { throw .alreadyStarted }
            state = .starting
        }
        do {
            let running = try await launch()
            state.withLock { $0 = .running(running) }
        } catch {
            state.withLock { $0 = .idle }
            throw error
        }
    }

    private func launch() async throws -> Running {
        let registry = ResourceRegistry.standard
        let store = try await ObjectStore(
            registry: registry, persistence: configuration.dataDirectory.map(Persistence.init(directory:)),
            historyCapacity: configuration.watchHistory, bookmarkInterval: configuration.bookmarkInterval,
            validating: configuration.validation)
        faults.onDropWatches { await store.dropWatches() }
        if let path = configuration.auditLogPath { try audit.writeAlso(to: path) }
        var limits = HTTPLimits()
        limits.maxBodyBytes = configuration.maxBodyBytes
        limits.shutdownGracePeriod = .seconds(2)
        let placeholder = Discovery(
            registry: registry, serverAddress: "\(configuration.host):\(configuration.port)")
        let handler = APIHandler(
            store: store, registry: registry, discovery: placeholder, faults: faults, audit: audit,
            configuration: configuration,
            logger: logger)
        let server = HTTPServer(
            configuration: HTTPServerConfiguration(
                listeners: [HTTPListener(host: configuration.host, port: configuration.port)], limits: limits),
            router: handler.routes(), logger: logger)
        let serverTask = Task { try await server.run() }
        let addresses: [BoundAddress]
        do { addresses = try await server.boundAddresses() } catch {
            serverTask.cancel()
            throw error
        }
        let port = addresses.first?.port ?? configuration.port

        let kubelet = Kubelet(store: store, timing: configuration.kubelet, faults: faults)
        faults.onCrash { await kubelet.crash(podNamePrefix: $0) }
        let kubeletChanges = await store.changes()
        var existing: [(ResourceDefinition, JSONValue)] = []
        for resource in registry.definitions
        where ["pods", "persistentvolumeclaims", "deployments", "services"].contains(resource.plural) {
            for object in await store.all(resource) { existing.append((resource, object)) }
        }
        let collector = GarbageCollector(store: store)
        let collectorChanges = await store.changes()
        let cloud = CloudLoadBalancer(store: store, delay: configuration.kubelet.loadBalancerDelay)
        let cloudChanges = await store.changes()
        let controllers = [
            Task { await kubelet.run(kubeletChanges, existing: existing) },
            Task { await collector.run(collectorChanges) },
            Task { await cloud.run(cloudChanges, existing: existing) },
        ]
        logger.info(
            "local cluster listening",
            metadata: ["port": "\(port)", "data": "\(configuration.dataDirectory ?? "memory")"])
        return Running(
            store: store, server: server, serverTask: serverTask, controllers: controllers, port: port)
    }

    /// Runs as a ServiceLifecycle service: starts (unless `start()` already did, so a caller can
    /// use the API before the service group runs), serves until graceful shutdown or
    /// cancellation, then stops.
    public func run() async throws {
        let idle = state.withLock { state in
            if case .idle = state { return true }
            return false
        }
        if idle { try await start() }
        guard let task = running?.serverTask else { return }
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                _ = try? await task.value
            } onGracefulShutdown: {
                task.cancel()
            }
        } onCancel: {
            task.cancel()
        }
        await stop()
    }

    /// Ends every watch, stops listening and stops the kubelet and the garbage collector.
    public func stop() async {
        let running: Running? = state.withLock { state in
            guard case .running(let running) = state else { return nil }
            state = .stopped
            return running
        }
        guard let running else { return }
        await running.store.dropWatches()
        running.serverTask.cancel()
        _ = try? await running.serverTask.value
        await running.store.shutdown()
        for task in running.controllers {
            task.cancel()
            await task.value
        }
        logger.info("local cluster stopped")
    }

    private var running: Running? {
        state.withLock { state in
            if case .running(let running) = state { return running }
            return nil
        }
    }

    /// The port listened on, once started.
    public var port: UInt16 {
        get throws(LocalClusterError) {
            guard let running else { throw .notStarted }
            return running.port
        }
    }

    /// `http://host:port`, once started.
    public var baseURL: String {
        get throws(LocalClusterError) {
            let port = try self.port
            let host = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
            return "http://\(host == "0.0.0.0" ? "127.0.0.1" : host):\(port)"
        }
    }

    /// The objects of `resources` (plural names) as they are now, each as `.added`, then every
    /// change to them, until the cluster stops or the stream is dropped. Unlike a watch through
    /// the API it never expires, so a follower in the same process needs no relist.
    public func objectChanges(of resources: Set<String>) async throws(LocalClusterError)
        -> AsyncStream<ObjectChange>
    {
        guard let running else { throw .notStarted }
        let (existing, changes) = await running.store.observe(resources)
        let (stream, continuation) = AsyncStream.makeStream(of: ObjectChange.self)
        for change in existing { continuation.yield(ObjectChange(change)) }
        let forward = Task {
            for await change in changes where resources.contains(change.resource.plural) {
                continuation.yield(ObjectChange(change))
            }
            continuation.finish()
        }
        continuation.onTermination = { _ in forward.cancel() }
        return stream
    }

    /// How many watches are open now (for tests of watch handling).
    public func openWatchCount() async -> Int {
        await running?.store.openWatches ?? 0
    }

    /// A kubeconfig whose current context points at this cluster with its token, for kubectl
    /// (`--kubeconfig`) and for the operator's client.
    public func kubeconfig(namespace: String = "default") throws(LocalClusterError) -> String {
        let server = try baseURL
        return """
            apiVersion: v1
            kind: Config
            clusters:
            - name: local-cluster
              cluster:
                server: \(server)
            contexts:
            - name: local-cluster
              context:
                cluster: local-cluster
                user: local-cluster
                namespace: \(namespace)
            current-context: local-cluster
            users:
            - name: local-cluster
              user:
                token: \(configuration.token)
            preferences: {}

            """
    }

    /// Writes `kubeconfig()` to `path` (mode 0600, as kubectl expects of credentials).
    public func writeKubeconfig(to path: String, namespace: String = "default") throws(LocalClusterError) {
        let text = try kubeconfig(namespace: namespace)
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        } catch {
            throw .kubeconfig(path: path, reason: "\(error)")
        }
    }
}
