import Kubernetes
import Logging
import ServiceLifecycle

/// A reconciler of one kind of custom resource, one object per pass, for `ObjectLoop`.
public protocol ObjectReconciler: Sendable {
    associatedtype Outcome: ObjectReconcileOutcome
    /// The kind it reconciles, as `kubectl` and the log name it (`KafkaTopic`).
    static var kind: String { get }
    static var resourceType: ResourceType { get }
    var api: any KubernetesAPI { get }
    func reconcile(namespace: String, name: String) async throws(ReconcileError) -> Outcome
}

/// What a pass of an `ObjectReconciler` did, as its loop needs it.
public protocol ObjectReconcileOutcome: Sendable {
    /// When to look again without a watch event.
    var requeueAfter: Duration? { get }
    /// What the pass wrote, for one log line; nil when it wrote nothing.
    var writes: Logger.Metadata? { get }
}

/// The control loop of one kind of custom resource (KafkaTopic, KafkaUser): watches the kind
/// and reconciles each object that changed, every known one once per resync interval, and one
/// whose pass asked to look again.
///
/// As with `ReconcileLoop`, events only say which object to look at; the reconciler reads it
/// afresh. Keys go through a `WorkQueue`: one pass per object at a time, failures retried with
/// per-object backoff.
public struct ObjectLoop<Reconciler: ObjectReconciler>: ServiceLifecycle.Service {
    public struct Configuration: Sendable {
        /// The namespace to watch; nil watches all.
        public var namespace: String?
        public var resyncInterval: Duration
        public var maxConcurrentReconciles: Int
        public var initialBackoff: Duration
        public var maximumBackoff: Duration
        public var watchTimeoutSeconds: Int
        /// Called after every pass, for metrics and tests.
        public var onReconcile: @Sendable (NamespacedKey, Result<Reconciler.Outcome, ReconcileError>) -> Void

        public init(
            namespace: String? = nil, resyncInterval: Duration = .seconds(300),
            maxConcurrentReconciles: Int = 2,
            initialBackoff: Duration = .milliseconds(200), maximumBackoff: Duration = .seconds(60),
            watchTimeoutSeconds: Int = 300,
            onReconcile:
                @escaping @Sendable (NamespacedKey, Result<Reconciler.Outcome, ReconcileError>) -> Void = {
                    _, _ in
                }
        ) {
            self.namespace = namespace
            self.resyncInterval = resyncInterval
            self.maxConcurrentReconciles = max(1, maxConcurrentReconciles)
            self.initialBackoff = initialBackoff
            self.maximumBackoff = maximumBackoff
            self.watchTimeoutSeconds = watchTimeoutSeconds
            self.onReconcile = onReconcile
        }
    }

    public let reconciler: Reconciler
    public let configuration: Configuration
    let logger: Logger

    /// `logger` defaults to `kafka-operator.<kind>-loop`.
    public init(reconciler: Reconciler, configuration: Configuration = .init(), logger: Logger? = nil) {
        self.reconciler = reconciler
        self.configuration = configuration
        self.logger = logger ?? Logger(label: "kafka-operator.\(Reconciler.kind.lowercased())-loop")
    }

    /// Runs until cancelled or until graceful shutdown; a pass under way finishes first.
    public func run() async throws {
        let queue = WorkQueue<NamespacedKey>(
            initialBackoff: configuration.initialBackoff, maximumBackoff: configuration.maximumBackoff)
        let known = KnownObjects()
        await cancelWhenGracefulShutdown {
            await withTaskCancellationHandler {
                await withDiscardingTaskGroup { group in
                    group.addTask { await watch(queue, known) }
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

    private func watch(_ queue: WorkQueue<NamespacedKey>, _ known: KnownObjects) async {
        let watcher = ResourceWatcher(
            api: reconciler.api, WatchedObject<Reconciler>.self, namespace: configuration.namespace,
            options: .init(
                watchTimeoutSeconds: configuration.watchTimeoutSeconds,
                initialBackoff: configuration.initialBackoff,
                maximumBackoff: configuration.maximumBackoff),
            onError: { [logger] in logger.warning("watching \(Reconciler.kind)s failed: \($0)") })
        for await event in watcher {
            switch event {
            case .listed(let objects):
                let keys = objects.compactMap { NamespacedKey($0.metadata) }
                await known.replace(with: keys)
                for key in keys { await queue.add(key) }
            case .changed(let change):
                guard let key = NamespacedKey(change.object.metadata) else { continue }
                if change.type == .deleted { await known.remove(key) } else { await known.insert(key) }
                await queue.add(key)
            }
        }
    }

    private func resync(_ queue: WorkQueue<NamespacedKey>, _ known: KnownObjects) async {
        while !Task.isCancelled {
            do { try await Task.sleep(for: configuration.resyncInterval) } catch { return }
            for key in await known.all { await queue.add(key) }
        }
    }

    private func work(_ queue: WorkQueue<NamespacedKey>) async {
        while let key = await queue.next() {
            do {
                let result = try await reconciler.reconcile(namespace: key.namespace, name: key.name)
                await queue.succeeded(key)
                if var writes = result.writes {
                    writes["object"] = "\(key)"
                    logger.info("reconciled \(Reconciler.kind)", metadata: writes)
                }
                if let after = result.requeueAfter { await queue.add(key, after: after) }
                configuration.onReconcile(key, .success(result))
            } catch {
                if error.isRetryable {
                    let delay = await queue.failed(key)
                    logger.warning(
                        "reconciling \(Reconciler.kind) \(key) failed, retrying in \(delay): \(error)")
                    await queue.add(key, after: delay)
                } else {
                    logger.error("reconciling \(Reconciler.kind) \(key) failed: \(error)")
                }
                configuration.onReconcile(key, .failure(error))
            }
            await queue.done(key)
        }
    }
}

/// Names one namespaced object: the unit of work of an `ObjectLoop`.
public struct NamespacedKey: Hashable, Sendable, CustomStringConvertible {
    public let namespace: String
    public let name: String

    public init(namespace: String, name: String) {
        self.namespace = namespace
        self.name = name
    }

    init?(_ metadata: Kubernetes.ObjectMeta) {
        guard let namespace = metadata.namespace, let name = metadata.name else { return nil }
        self.init(namespace: namespace, name: name)
    }

    public var description: String { "\(namespace)/\(name)" }
}

/// An object as its loop watches it: only its metadata, so an object the reconciler cannot
/// read still names its work (and gets its status saying why).
struct WatchedObject<Reconciler: ObjectReconciler>: KubernetesObject {
    static var resourceType: ResourceType { Reconciler.resourceType }
    var apiVersion: String?
    var kind: String?
    var metadata: Kubernetes.ObjectMeta
}

/// The objects a loop knows of, for the periodic resync.
actor KnownObjects {
    private var keys: Set<NamespacedKey> = []

    var all: [NamespacedKey] { Array(keys) }
    func replace(with keys: [NamespacedKey]) { self.keys = Set(keys) }
    func insert(_ key: NamespacedKey) { keys.insert(key) }
    func remove(_ key: NamespacedKey) { keys.remove(key) }
}
