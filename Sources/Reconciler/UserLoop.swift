import Kubernetes
import Logging
import ServiceLifecycle

/// The KafkaUser control loop, shaped as `TopicLoop`: watches KafkaUsers and reconciles each one that changed,
/// every known one once per resync interval, and one whose pass asked to look again.
///
/// As with `ReconcileLoop`, events only say which object to look at; the reconciler reads it
/// afresh. Keys go through a `WorkQueue`: one pass per user at a time, failures retried with
/// per-user backoff.
public struct UserLoop: ServiceLifecycle.Service {
    public struct Configuration: Sendable {
        /// The namespace to watch; nil watches all.
        public var namespace: String?
        public var resyncInterval: Duration
        public var maxConcurrentReconciles: Int
        public var initialBackoff: Duration
        public var maximumBackoff: Duration
        public var watchTimeoutSeconds: Int
        /// Called after every pass, for metrics and tests.
        public var onReconcile: @Sendable (UserKey, Result<UserReconcileResult, ReconcileError>) -> Void

        public init(
            namespace: String? = nil, resyncInterval: Duration = .seconds(300),
            maxConcurrentReconciles: Int = 2,
            initialBackoff: Duration = .milliseconds(200), maximumBackoff: Duration = .seconds(60),
            watchTimeoutSeconds: Int = 300,
            onReconcile:
                @escaping @Sendable (UserKey, Result<UserReconcileResult, ReconcileError>) -> Void = {
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

    public let reconciler: UserReconciler
    public let configuration: Configuration
    let logger: Logger

    public init(
        reconciler: UserReconciler, configuration: Configuration = Configuration(),
        logger: Logger = Logger(label: "kafka-operator.user-loop")
    ) {
        self.reconciler = reconciler
        self.configuration = configuration
        self.logger = logger
    }

    /// Runs until cancelled or until graceful shutdown; a pass under way finishes first.
    public func run() async throws {
        let queue = WorkQueue<UserKey>(
            initialBackoff: configuration.initialBackoff, maximumBackoff: configuration.maximumBackoff)
        let known = KnownUsers()
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

    private func watch(_ queue: WorkQueue<UserKey>, _ known: KnownUsers) async {
        let watcher = ResourceWatcher(
            api: reconciler.api, WatchedKafkaUser.self, namespace: configuration.namespace,
            options: .init(
                watchTimeoutSeconds: configuration.watchTimeoutSeconds,
                initialBackoff: configuration.initialBackoff,
                maximumBackoff: configuration.maximumBackoff),
            onError: { [logger] in logger.warning("watching KafkaUsers failed: \($0)") })
        for await event in watcher {
            switch event {
            case .listed(let users):
                let keys = users.compactMap { UserKey($0.metadata) }
                await known.replace(with: keys)
                for key in keys { await queue.add(key) }
            case .changed(let change):
                guard let key = UserKey(change.object.metadata) else { continue }
                if change.type == .deleted { await known.remove(key) } else { await known.insert(key) }
                await queue.add(key)
            }
        }
    }

    private func resync(_ queue: WorkQueue<UserKey>, _ known: KnownUsers) async {
        while !Task.isCancelled {
            do { try await Task.sleep(for: configuration.resyncInterval) } catch { return }
            for key in await known.all { await queue.add(key) }
        }
    }

    private func work(_ queue: WorkQueue<UserKey>) async {
        while let key = await queue.next() {
            do {
                let result = try await reconciler.reconcile(namespace: key.namespace, name: key.name)
                await queue.succeeded(key)
                if result.kafkaChanges > 0 || result.secretWritten || result.statusWritten {
                    logger.info(
                        "reconciled user",
                        metadata: [
                            "user": "\(key)", "kafka_changes": "\(result.kafkaChanges)",
                            "secret": "\(result.secretWritten)", "events": "\(result.eventsRecorded)",
                            "status": "\(result.statusWritten)",
                        ])
                }
                if let after = result.requeueAfter { await queue.add(key, after: after) }
                configuration.onReconcile(key, .success(result))
            } catch {
                if error.isRetryable {
                    let delay = await queue.failed(key)
                    logger.warning("reconciling KafkaUser \(key) failed, retrying in \(delay): \(error)")
                    await queue.add(key, after: delay)
                } else {
                    logger.error("reconciling KafkaUser \(key) failed: \(error)")
                }
                configuration.onReconcile(key, .failure(error))
            }
            await queue.done(key)
        }
    }
}

/// Names one KafkaUser object: the unit of work of the user loop.
public struct UserKey: Hashable, Sendable, CustomStringConvertible {
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

/// A KafkaUser as the loop watches it: only its metadata, so an object the reconciler
/// cannot read still names its work (and gets its status saying why).
struct WatchedKafkaUser: KubernetesObject {
    static let resourceType = ResourceType.kafkaUsers
    var apiVersion: String?
    var kind: String?
    var metadata: Kubernetes.ObjectMeta
}

/// The users the loop knows of, for the periodic resync.
actor KnownUsers {
    private var keys: Set<UserKey> = []

    var all: [UserKey] { Array(keys) }
    func replace(with keys: [UserKey]) { self.keys = Set(keys) }
    func insert(_ key: UserKey) { keys.insert(key) }
    func remove(_ key: UserKey) { keys.remove(key) }
}
