import Kubernetes
import Logging
import ServiceLifecycle

/// The control loop: watches KafkaClusters and the objects they own, and reconciles each
/// cluster whose objects changed, plus every known cluster once per resync interval.
///
/// Events only say which cluster to look at; the reconciler reads everything afresh, so a
/// missed or coalesced event costs nothing but latency. Keys go through a `WorkQueue`: one
/// reconcile per cluster at a time, at most `maxConcurrentReconciles` at once, failures
/// retried with per-cluster backoff.
///
/// ```swift
/// let loop = ReconcileLoop(reconciler: ClusterReconciler(api: api))
/// let group = ServiceGroup(services: [loop, ...], logger: logger)
/// try await group.run()
/// ```
public struct ReconcileLoop: ServiceLifecycle.Service {
    public struct Configuration: Sendable {
        /// The namespace to watch; nil watches all.
        public var namespace: String?
        /// Every known cluster is reconciled this often even without events.
        public var resyncInterval: Duration
        public var maxConcurrentReconciles: Int
        /// The first retry delay after a failed reconcile, doubled per failure up to the maximum.
        public var initialBackoff: Duration
        public var maximumBackoff: Duration
        /// Selects the owned objects to watch: those with the cluster label, which everything
        /// the reconciler renders carries (the brokers' objects `app=kafka`, Cruise Control's
        /// `app=cruisecontrol`).
        public var ownedLabelSelector: String
        /// How long one watch call lasts before it is resumed.
        public var watchTimeoutSeconds: Int
        /// Called after every reconcile, for metrics, benchmarks and tests.
        public var onReconcile: @Sendable (ClusterKey, Result<ReconcileResult, ReconcileError>) -> Void

        public init(
            namespace: String? = nil, resyncInterval: Duration = .seconds(300),
            maxConcurrentReconciles: Int = 2,
            initialBackoff: Duration = .milliseconds(200), maximumBackoff: Duration = .seconds(60),
            ownedLabelSelector: String = ResourceConventions.clusterLabel,
            watchTimeoutSeconds: Int = 300,
            onReconcile: @escaping @Sendable (ClusterKey, Result<ReconcileResult, ReconcileError>) -> Void = {
                _, _ in
            }
        ) {
            self.namespace = namespace
            self.resyncInterval = resyncInterval
            self.maxConcurrentReconciles = max(1, maxConcurrentReconciles)
            self.initialBackoff = initialBackoff
            self.maximumBackoff = maximumBackoff
            self.ownedLabelSelector = ownedLabelSelector
            self.watchTimeoutSeconds = watchTimeoutSeconds
            self.onReconcile = onReconcile
        }
    }

    public let reconciler: ClusterReconciler
    public let configuration: Configuration
    let logger: Logger

    public init(
        reconciler: ClusterReconciler, configuration: Configuration = Configuration(),
        logger: Logger = Logger(label: "kafka-operator.reconcile-loop")
    ) {
        self.reconciler = reconciler
        self.configuration = configuration
        self.logger = logger
    }

    /// Runs until cancelled or until graceful shutdown; a reconcile under way finishes first.
    public func run() async throws {
        let queue = WorkQueue<ClusterKey>(
            initialBackoff: configuration.initialBackoff, maximumBackoff: configuration.maximumBackoff)
        let known = KnownClusters()
        await cancelWhenGracefulShutdown {
            await withTaskCancellationHandler {
                await withDiscardingTaskGroup { group in
                    group.addTask { await watchClusters(queue, known) }
                    for kind in ManagedKinds.all { group.addTask { await watchOwned(kind, queue) } }
                    group.addTask { await resync(queue, known) }
                    for _ in 0..<configuration.maxConcurrentReconciles {
                        group.addTask { await work(queue) }
                    }
                }
            } onCancel: {
                Task { await queue.shutDown() }
            }
        }
    }

    private func watchOptions<Object: KubernetesObject>(_ type: Object.Type, _ selector: String?)
        -> ResourceWatcher<Object>.Options
    {
        ResourceWatcher<Object>.Options(
            labelSelector: selector, watchTimeoutSeconds: configuration.watchTimeoutSeconds,
            initialBackoff: configuration.initialBackoff, maximumBackoff: configuration.maximumBackoff)
    }

    private func watchClusters(_ queue: WorkQueue<ClusterKey>, _ known: KnownClusters) async {
        let watcher = ResourceWatcher(
            api: reconciler.api, WatchedKafkaCluster.self, namespace: configuration.namespace,
            options: watchOptions(WatchedKafkaCluster.self, nil),
            onError: { [logger] in logger.warning("watching KafkaClusters failed: \($0)") })
        for await event in watcher {
            switch event {
            case .listed(let clusters):
                let keys = clusters.compactMap(Self.key(of:))
                await known.replace(with: keys)
                for key in keys { await queue.add(key) }
            case .changed(let change):
                guard let key = Self.key(of: change.object) else { continue }
                if change.type == .deleted { await known.remove(key) } else { await known.insert(key) }
                await queue.add(key)
            }
        }
    }

    private static func key(of cluster: WatchedKafkaCluster) -> ClusterKey? {
        guard let namespace = cluster.metadata.namespace, let name = cluster.metadata.name else { return nil }
        return ClusterKey(namespace: namespace, name: name)
    }

    private func watchOwned<Object: ManagedObject>(_ type: Object.Type, _ queue: WorkQueue<ClusterKey>)
        async
    {
        let watcher = ResourceWatcher(
            api: reconciler.api, Object.self, namespace: configuration.namespace,
            options: watchOptions(Object.self, configuration.ownedLabelSelector),
            onError: { [logger] in logger.warning("watching \(Object.resourceType.plural) failed: \($0)") })
        for await event in watcher {
            switch event {
            case .listed(let objects):
                for key in Set(objects.compactMap { ClusterKey(owning: $0.metadata) }) {
                    await queue.add(key)
                }
            case .changed(let change):
                if let key = ClusterKey(owning: change.object.metadata) { await queue.add(key) }
            }
        }
    }

    private func resync(_ queue: WorkQueue<ClusterKey>, _ known: KnownClusters) async {
        while !Task.isCancelled {
            do { try await Task.sleep(for: configuration.resyncInterval) } catch { return }
            for key in await known.all { await queue.add(key) }
        }
    }

    private func work(_ queue: WorkQueue<ClusterKey>) async {
        while let key = await queue.next() {
            do {
                let result = try await reconciler.reconcile(namespace: key.namespace, name: key.name)
                await queue.succeeded(key)
                if result.writes > 0 {
                    logger.info(
                        "reconciled",
                        metadata: [
                            "cluster": "\(key)", "created": "\(result.created)",
                            "updated": "\(result.updated)",
                            "deleted": "\(result.deleted)", "events": "\(result.eventsRecorded)",
                            "status": "\(result.statusWritten)",
                        ])
                } else {
                    logger.debug("reconciled, nothing to change", metadata: ["cluster": "\(key)"])
                }
                if let after = result.requeueAfter { await queue.add(key, after: after) }
                configuration.onReconcile(key, .success(result))
            } catch {
                if error.isRetryable {
                    let delay = await queue.failed(key)
                    logger.warning("reconciling \(key) failed, retrying in \(delay): \(error)")
                    await queue.add(key, after: delay)
                } else {
                    // Only a change to the cluster can help; its watch event brings it back.
                    logger.error("reconciling \(key) failed: \(error)")
                }
                configuration.onReconcile(key, .failure(error))
            }
            await queue.done(key)
        }
    }
}

/// The clusters the loop knows of, for the periodic resync.
actor KnownClusters {
    private var keys: Set<ClusterKey> = []

    var all: [ClusterKey] { Array(keys) }
    func replace(with keys: [ClusterKey]) { self.keys = Set(keys) }
    func insert(_ key: ClusterKey) { keys.insert(key) }
    func remove(_ key: ClusterKey) { keys.remove(key) }
}
