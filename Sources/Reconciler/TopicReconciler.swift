import ClusterModel
import KafkaAdmin
import KafkaProtocol
import Kubernetes
import Logging

/// Makes one KafkaTopic's topic in Kafka match its spec, level-triggered: every pass reads the
/// object and the topic afresh, decides with `TopicPlan`, makes the changes through the admin
/// client and writes the status. A topic already as specified costs a read of the object and
/// its cluster, a Metadata and a DescribeConfigs, and no writes.
///
/// The finalizer goes on before the topic is created, so a delete can never leave a topic the
/// operator made behind; the status's `managedBy` says whether the topic is the operator's, so
/// deleting the object of a topic whose adoption was refused leaves that topic alone.
public struct TopicReconciler: Sendable {
    /// Koperator's finalizer on KafkaTopics.
    public static let finalizer = "finalizer.kafkatopics.kafka.banzaicloud.io"
    /// Koperator's `status.managedBy` for a topic it manages.
    public static let managedByOperator = "koperator"

    /// The admin client of a cluster's brokers; nil when the operator cannot reach them.
    public typealias AdminClients = @Sendable (ClusterKey) async -> (any KafkaTopicAdminClient)?

    public struct Configuration: Sendable {
        /// Records Kubernetes Events on the KafkaTopic.
        public var recordEvents: Bool
        /// How soon to look again after a change (to read back what Kafka made of it), or while
        /// the cluster or Kafka cannot be reached.
        public var waitInterval: Duration
        /// Names the operator in Events.
        public var component: String

        public init(
            recordEvents: Bool = true, waitInterval: Duration = .seconds(5),
            component: String = "kafka-operator"
        ) {
            self.recordEvents = recordEvents
            self.waitInterval = waitInterval
            self.component = component
        }
    }

    public let api: any KubernetesAPI
    let kafka: AdminClients
    public let configuration: Configuration
    let logger: Logger

    public init(
        api: any KubernetesAPI, kafka: @escaping AdminClients, configuration: Configuration = Configuration(),
        logger: Logger = Logger(label: "kafka-operator.topics")
    ) {
        self.api = api
        self.kafka = kafka
        self.configuration = configuration
        self.logger = logger
    }

    /// One pass over the KafkaTopic `namespace/name`.
    public func reconcile(namespace: String, name: String) async throws(ReconcileError)
        -> TopicReconcileResult
    {
        let topic: KafkaTopic
        do { topic = try await api.get(KafkaTopic.self, namespace: namespace, name: name) } catch {
            if case .notFound = error { return TopicReconcileResult(gone: true) }
            throw .api(error, during: "reading KafkaTopic \(namespace)/\(name)")
        }
        let events = TopicEventRecorder(
            api: api, object: topic, component: configuration.component, enabled: configuration.recordEvents)
        let cluster = ClusterKey(topic.spec.clusterRef, from: namespace)
        if topic.metadata.deletionTimestamp != nil {
            return try await finalize(topic, cluster: cluster, events: events)
        }
        if let refusal = TopicRefusal.invalid(topic.spec) {
            return try await refuse(topic, refusal.description, reason: refusal.reason, events: events)
        }
        guard try await clusterExists(cluster) else {
            return try await wait(topic, "KafkaCluster \(cluster) does not exist")
        }
        let current = try await addingFinalizer(topic)
        guard let kafka = await kafka(cluster) else {
            return try await wait(current, "the operator has no Kafka client for KafkaCluster \(cluster)")
        }
        let managed = current.status?.managedBy == Self.managedByOperator
        var result = TopicReconcileResult()
        do {
            let observed = try await observe(current.spec.name, kafka)
            let plan = TopicPlan.decide(
                spec: current.spec, observed: observed, managed: managed,
                recordedKeys: Set(current.status?.configKeys ?? []))
            switch plan {
            case .refuse(let refusal):
                return try await refuse(
                    current, refusal.description, reason: refusal.reason, events: events, observed: observed)
            case .create(let request):
                let outcome = try await kafka.createTopic(request)
                result.kafkaChanges += 1
                if outcome == .created {
                    result.eventsRecorded += await events.record(
                        reason: "TopicCreated",
                        message:
                            "Created topic \(request.name) (\(request.partitions) partitions, replication factor \(request.replicationFactor))"
                    )
                }
                // Kafka's metadata may lag the creation; the next pass reads the topic back.
                result.requeueAfter = configuration.waitInterval
                result.statusWritten = try await writeStatus(
                    current, state: .created, managed: true, observed: nil, message: nil)
                return result
            case .update(let update):
                if update.adopt {
                    result.eventsRecorded += await events.record(
                        reason: "TopicAdopted",
                        message:
                            "Adopted the existing topic \(current.spec.name): its partitions and replication factor match the spec"
                    )
                }
                if let count = update.growPartitionsTo {
                    try await kafka.createPartitions(topic: current.spec.name, count: count)
                    result.kafkaChanges += 1
                    result.eventsRecorded += await events.record(
                        reason: "PartitionsIncreased",
                        message:
                            "Increased the partitions of topic \(current.spec.name) from \(observed?.partitions ?? 0) to \(count)"
                    )
                }
                if !update.configOperations.isEmpty {
                    try await kafka.incrementalAlterTopicConfigs(
                        current.spec.name, operations: update.configOperations)
                    result.kafkaChanges += 1
                    result.eventsRecorded += await events.record(
                        reason: "TopicConfigChanged",
                        message: "Changed the configuration of topic \(current.spec.name): "
                            + update.configOperations.map(Self.describe).joined(separator: ", "))
                }
                if !update.isEmpty { result.requeueAfter = configuration.waitInterval }
                result.statusWritten = try await writeStatus(
                    current, state: .created, managed: true, observed: update.isEmpty ? observed : nil,
                    message: nil)
                return result
            }
        } catch let error as KafkaAdminError {
            return try await kafkaFailed(current, error, events: events, result: result)
        } catch let error as ReconcileError {
            throw error
        } catch {
            return try await kafkaFailed(
                current, .brokerError(api: .metadata, code: -1, message: "\(error)", resource: nil),
                events: events,
                result: result)
        }
    }

    // MARK: - Steps

    /// The topic as Kafka reports it; nil when Kafka has no such topic.
    private func observe(_ name: String, _ kafka: any KafkaTopicAdminClient) async throws -> ObservedTopic? {
        let metadata = try await kafka.metadata(topics: [name])
        guard let topic = metadata.topics.first(where: { $0.name == name }) else { return nil }
        switch topic.errorCode {
        case KafkaErrorCode.none: break
        case KafkaErrorCode.unknownTopicOrPartition: return nil
        default:
            throw KafkaAdminError.brokerError(
                api: .metadata, code: topic.errorCode, message: nil, resource: "topic \(name)")
        }
        return ObservedTopic(metadata: topic, configs: try await kafka.describeTopicConfigs(name))
    }

    private func clusterExists(_ cluster: ClusterKey) async throws(ReconcileError) -> Bool {
        do {
            _ = try await api.get(WatchedKafkaCluster.self, namespace: cluster.namespace, name: cluster.name)
            return true
        } catch {
            if case .notFound = error { return false }
            throw .api(error, during: "reading KafkaCluster \(cluster)")
        }
    }

    private func addingFinalizer(_ topic: KafkaTopic) async throws(ReconcileError) -> KafkaTopic {
        guard !(topic.metadata.finalizers ?? []).contains(Self.finalizer) else { return topic }
        var updated = topic
        updated.metadata.finalizers = (topic.metadata.finalizers ?? []) + [Self.finalizer]
        do { return try await api.update(updated) } catch {
            throw .api(
                error,
                during: "adding the finalizer to KafkaTopic \(topic.metadata.namespace ?? "")/\(topic.name)")
        }
    }

    /// Deletes the topic from Kafka when it is the operator's, then lets the object go.
    private func finalize(_ topic: KafkaTopic, cluster: ClusterKey, events: TopicEventRecorder)
        async throws(ReconcileError) -> TopicReconcileResult
    {
        guard (topic.metadata.finalizers ?? []).contains(Self.finalizer) else {
            return TopicReconcileResult()
        }
        var result = TopicReconcileResult()
        // A cluster already gone took its topics with it (Koperator lets the object go then too).
        if topic.status?.managedBy == Self.managedByOperator, try await clusterExists(cluster) {
            guard let kafka = await kafka(cluster) else {
                return try await wait(
                    topic, "the operator has no Kafka client for KafkaCluster \(cluster) to delete the topic")
            }
            do {
                if try await kafka.deleteTopic(topic.spec.name) == .deleted {
                    result.kafkaChanges += 1
                    result.eventsRecorded += await events.record(
                        reason: "TopicDeleted", message: "Deleted topic \(topic.spec.name)")
                }
            } catch {
                let failure = (error as? KafkaAdminError)?.description ?? "\(error)"
                return try await wait(topic, "deleting topic \(topic.spec.name) failed: \(failure)")
            }
        }
        var updated = topic
        updated.metadata.finalizers = topic.metadata.finalizers?.filter { $0 != Self.finalizer }
        do { _ = try await api.update(updated) } catch {
            if case .notFound = error { return result }
            throw .api(
                error,
                during: "removing the finalizer of KafkaTopic \(topic.metadata.namespace ?? "")/\(topic.name)"
            )
        }
        result.gone = true
        return result
    }

    private func refuse(
        _ topic: KafkaTopic, _ message: String, reason: String, events: TopicEventRecorder,
        observed: ObservedTopic? = nil
    ) async throws(ReconcileError) -> TopicReconcileResult {
        var result = TopicReconcileResult()
        result.eventsRecorded += await events.warn(reason: reason, message: message)
        result.statusWritten = try await writeStatus(
            topic, state: .refused, managed: topic.status?.managedBy == Self.managedByOperator,
            observed: observed, message: message)
        return result
    }

    /// Waits for the cluster or Kafka: the status says why, and the pass comes back.
    private func wait(_ topic: KafkaTopic, _ message: String) async throws(ReconcileError)
        -> TopicReconcileResult
    {
        var result = TopicReconcileResult(requeueAfter: configuration.waitInterval)
        // While deleting, the status stays as it was except for why the object lingers.
        let state = topic.status.map { TopicState(rawValue: $0.state) } ?? .pending
        result.statusWritten = try await writeStatus(
            topic, state: topic.metadata.deletionTimestamp == nil ? .pending : state,
            managed: topic.status?.managedBy == Self.managedByOperator, observed: nil, message: message)
        return result
    }

    /// A call to Kafka failed: retryable failures wait; Kafka's refusal (a config value it
    /// rejects, too few brokers for the factor, an API the broker lacks) is the spec's problem
    /// until something changes, said once per generation in a Warning.
    private func kafkaFailed(
        _ topic: KafkaTopic, _ error: KafkaAdminError, events: TopicEventRecorder,
        result: TopicReconcileResult
    ) async throws(ReconcileError) -> TopicReconcileResult {
        guard !error.isRetryable else {
            var waiting = try await wait(topic, "Kafka could not be asked: \(error)")
            waiting.kafkaChanges = result.kafkaChanges
            return waiting
        }
        var refused = try await refuse(
            topic, "Kafka refused the change: \(error)", reason: "KafkaRefused", events: events)
        refused.kafkaChanges = result.kafkaChanges
        refused.requeueAfter = .seconds(60)
        return refused
    }

    /// Writes the status when it differs from the object's; returns whether it wrote.
    private func writeStatus(
        _ topic: KafkaTopic, state: TopicState, managed: Bool, observed: ObservedTopic?, message: String?
    ) async throws(ReconcileError) -> Bool {
        let previous = topic.status
        var status = KafkaTopic.Status(
            state: state.rawValue, managedBy: managed ? Self.managedByOperator : nil,
            partitionCount: observed?.partitions ?? previous?.partitionCount,
            replicationFactor: observed?.replicationFactor ?? previous?.replicationFactor,
            configKeys: previous?.configKeys, message: message, observedGeneration: topic.metadata.generation)
        if state == .created {
            let keys = (topic.spec.config ?? [:]).keys.sorted()
            status.configKeys = keys.isEmpty ? nil : keys
        }
        guard status != previous else { return false }
        var updated = topic
        updated.status = status
        do { _ = try await api.updateStatus(updated) } catch {
            throw .api(
                error,
                during: "writing the status of KafkaTopic \(topic.metadata.namespace ?? "")/\(topic.name)")
        }
        return true
    }

    private static func describe(_ operation: ConfigOperation) -> String {
        switch operation {
        case .set(let key, let value): return "\(key)=\(value)"
        case .delete(let key): return "\(key) removed"
        case .append(let key, let value): return "\(key)+=\(value)"
        case .subtract(let key, let value): return "\(key)-=\(value)"
        }
    }
}

/// What one pass over a KafkaTopic did.
public struct TopicReconcileResult: Equatable, Sendable {
    /// The object is gone, or let go after its topic was deleted.
    public var gone = false
    /// Calls that changed Kafka (create, grow, configure, delete).
    public var kafkaChanges = 0
    public var eventsRecorded = 0
    public var statusWritten = false
    /// When to look again, without a watch event.
    public var requeueAfter: Duration?

    public init(gone: Bool = false, requeueAfter: Duration? = nil) {
        self.gone = gone
        self.requeueAfter = requeueAfter
    }
}
