import ClusterModel
import CruiseControl
import Foundation
import JSON
import KafkaAdmin
import Kubernetes
import Logging

/// Makes one KafkaCluster's objects match its spec, level-triggered: every call reads the
/// cluster and its objects afresh, plans with `ReconcilePlan`, performs the steps, and writes
/// the status fields it owns. A cluster already in the desired state costs one read of the
/// cluster and one list per managed kind, and no writes.
///
/// Retried writes are idempotent: a create that finds an identical object of ours is done, a
/// delete that finds nothing is done, and a conflict (a stale resourceVersion, a replaced
/// object) ends the pass with a prompt requeue, because the plan was made from stale reads.
public struct ClusterReconciler: Sendable {
    public struct Configuration: Sendable {
        public var defaultImage: String
        /// Records a Kubernetes Event on the KafkaCluster for each create and delete.
        public var recordEvents: Bool
        /// How soon to look again while a broker removal waits, or after a conflict.
        public var waitInterval: Duration
        /// The Cruise Control of a cluster with `cruiseControlConfig`; nil when it cannot be
        /// reached (then no graceful task runs, and leaving brokers wait).
        public var cruiseControl: @Sendable (KafkaCluster) async -> (any CruiseControlClient)?
        /// How many partition replicas each broker holds, from Kafka's metadata; nil without a
        /// Kafka client. A leaving broker goes only once this says it holds none.
        public var replicaCounts: ReplicaCounter?
        /// How many replicas each log directory of a broker holds (DescribeLogDirs); nil without
        /// a Kafka client. A disk taken out of the spec goes only once this says it holds none.
        public var logDirReplicas: LogDirReplicaCounter?
        /// How often a running Cruise Control task is asked about.
        public var polling: PollingInterval
        /// Milliseconds since the epoch (a test moves it by hand).
        public var now: @Sendable () -> Int64
        public var metrics: GracefulMetrics
        /// Chooses the broker a downScale without `brokerId` removes (the one holding the fewest
        /// replicas, from Kafka's metadata); nil to take the highest id.
        public var chooseBroker: BrokerChooser
        /// Creates Cruise Control's metrics topic once the brokers run; nil without a Kafka
        /// client (the brokers' metrics reporter may then create it).
        public var createTopic: TopicCreator?
        /// Each cluster's Kafka admin client, which dynamic broker configuration is read and set
        /// through (`DynamicConfigSync`) and renewed keystores are reloaded through; nil without
        /// a Kafka client (then only server.properties carries the configuration).
        public var dynamicConfig: KafkaClientProvider?
        /// Names the operator in Events.
        public var component: String
        /// How many brokers' writes run at once.
        public var maxConcurrentWrites: Int
        /// Kafka's health, from its metadata: the gate of a rolling upgrade. nil without a Kafka
        /// client: brokers then restart one at a time on their pods' readiness alone.
        public var clusterHealth: ClusterHealthReader?
        /// How long a rolling upgrade may wait at a closed gate before a Warning says so (it
        /// keeps waiting).
        public var rollingUpgradePauseLimit: Duration
        public var rollingUpgradeMetrics: RollingUpgradeMetrics
        public var certificateMetrics: CertificateMetrics

        public init(
            defaultImage: String = ResourceConventions.defaultImage, recordEvents: Bool = true,
            waitInterval: Duration = .seconds(2),
            cruiseControl: @escaping @Sendable (KafkaCluster) async -> (any CruiseControlClient)? = { _ in nil
            },
            replicaCounts: ReplicaCounter? = nil, logDirReplicas: LogDirReplicaCounter? = nil,
            polling: PollingInterval = PollingInterval(),
            now: @escaping @Sendable () -> Int64 = UTCTimestamp.nowMilliseconds,
            metrics: GracefulMetrics = GracefulMetrics(),
            chooseBroker: @escaping BrokerChooser = { _ in nil }, createTopic: TopicCreator? = nil,
            dynamicConfig: KafkaClientProvider? = nil,
            component: String = "kafka-operator", maxConcurrentWrites: Int = 8,
            clusterHealth: ClusterHealthReader? = nil, rollingUpgradePauseLimit: Duration = .seconds(600),
            rollingUpgradeMetrics: RollingUpgradeMetrics = RollingUpgradeMetrics(),
            certificateMetrics: CertificateMetrics = CertificateMetrics()
        ) {
            self.certificateMetrics = certificateMetrics
            self.dynamicConfig = dynamicConfig
            self.clusterHealth = clusterHealth
            self.rollingUpgradePauseLimit = rollingUpgradePauseLimit
            self.rollingUpgradeMetrics = rollingUpgradeMetrics
            self.chooseBroker = chooseBroker
            self.createTopic = createTopic
            self.maxConcurrentWrites = max(1, maxConcurrentWrites)
            self.defaultImage = defaultImage
            self.recordEvents = recordEvents
            self.waitInterval = waitInterval
            self.cruiseControl = cruiseControl
            self.replicaCounts = replicaCounts
            self.logDirReplicas = logDirReplicas
            self.polling = polling
            self.now = now
            self.metrics = metrics
            self.component = component
        }
    }

    public let api: any KubernetesAPI
    public let configuration: Configuration
    let logger: Logger

    public init(
        api: any KubernetesAPI, configuration: Configuration = Configuration(),
        logger: Logger = Logger(label: "kafka-operator.reconciler")
    ) {
        self.api = api
        self.configuration = configuration
        self.logger = logger
    }

    /// One pass: read the cluster and its objects, render and plan, execute the steps, write
    /// the status fields the reconciler owns.
    public func reconcile(namespace: String, name: String) async throws(ReconcileError) -> ReconcileResult {
        var result = ReconcileResult()
        guard let cluster = try await read(namespace: namespace, name: name) else {
            result.clusterMissing = true
            result.updated += await GracefulOperations.releaseOperations(
                api: api, namespace: namespace, cluster: name)
            return result
        }
        let spec = cluster.cluster
        if spec.metadata.deletionTimestamp != nil {
            result.updated += await GracefulOperations.releaseOperations(
                api: api, namespace: namespace, cluster: name)
            return result
        }
        let events = EventRecorder(
            api: api, cluster: spec, uid: cluster.uid, component: configuration.component,
            enabled: configuration.recordEvents)
        try await validate(spec, events: events)
        if (spec.status?.pendingBrokerRemovals ?? 0) > 0 {
            return try await removeChosenBroker(cluster, events: events)
        }

        let actual = try await observe(namespace: namespace, cluster: name)
        let renderer = DesiredStateRenderer(defaultImage: configuration.defaultImage)
        let claimsInUse = Self.claimsByMountPath(actual, uid: cluster.uid)
        let externalHosts = ExternalAccess.hosts(
            spec.spec, cluster: name, services: actual[Kubernetes.Service.self])
        let nodePorts = await nodePortAssignments(spec, actual: actual, cluster: name)
        let certificates = try await syncCertificates(
            spec, uid: cluster.uid, externalHosts: externalHosts, events: events, result: &result)
        let claimSizes = Self.claimSizes(actual)
        // Rendered with this pass's certificate expiries, which Cruise Control's pod template
        // names: a certificate issued now restarts nothing on the next pass.
        var rendering = spec
        rendering.status = rendering.status ?? KafkaClusterStatus()
        rendering.status?.certificateExpiry = Self.expiryTimestamps(certificates.expiries)
        var desired = renderer.render(
            rendering, uid: cluster.uid, existingClaims: claimsInUse, claimSizes: claimSizes,
            externalHosts: externalHosts, nodePorts: nodePorts)
        // A rolling upgrade and a Cruise Control task never run at once: no task starts while
        // brokers wait for a restart, and no broker restarts while a task runs.
        let scope = RollingRestartScope(desired: desired, actual: actual, spec: spec.spec, uid: cluster.uid)
        let rolling = !scope.outdated.isEmpty || spec.status?.rollingUpgradeStatus?.restarting != nil
        let removal = try await gracefulRemoval(
            spec, uid: cluster.uid, desired: desired, actual: actual, holdingNewTasks: rolling,
            events: events,
            result: &result)
        let gate = removal.gate
        var steps = ReconcilePlan.make(
            desired: desired, actual: actual, brokerStates: spec.status?.brokersState ?? [:], gate: gate)
        // What is rendered from the status (Cruise Control's capacity keeps a leaving broker
        // while it has an entry) is rendered from the status this pass leaves, so the pass that
        // forgets a broker also takes it out there, rather than the cluster reporting Running
        // for one pass before it does.
        let forgotten = steps.compactMap { step -> Int32? in
            if case .forgetBroker(let id) = step { return id }
            return nil
        }
        if !forgotten.isEmpty {
            var after = rendering
            for id in forgotten { after.status?.brokersState?[String(id)] = nil }
            desired = renderer.render(
                after, uid: cluster.uid, existingClaims: claimsInUse, claimSizes: claimSizes,
                externalHosts: externalHosts, nodePorts: nodePorts)
            steps =
                ReconcilePlan.make(
                    desired: desired, actual: actual, brokerStates: after.status?.brokersState ?? [:],
                    gate: gate)
                + forgotten.map { .forgetBroker($0) }
        }
        steps += removal.releasedClaims.map { .delete($0) }
        let refusals = RenderRefusals.check(spec)
        // A broker advertising a load balancer with no address yet would advertise the wrong
        // one and be replaced once it has one: it waits for the address instead.
        let pendingAddresses = ExternalAccess.pending(spec.spec, cluster: name, hosts: externalHosts)
        if !refusals.isEmpty || !pendingAddresses.isEmpty || !certificates.problems.isEmpty {
            steps = ReconcilePlan.holdingBrokerPods(steps, staying: desired.brokerIDs)
        }
        if !refusals.isEmpty {
            result.eventsRecorded += await events.record(
                refused: refusals, generation: spec.metadata.generation ?? 0)
        }
        let claims = await holdingUnresizableClaims(steps, actual: actual)
        steps = claims.steps
        // While part of the spec cannot be rendered, or a load balancer's address is awaited, no
        // broker pod is replaced, so none is rolled.
        let upgrade =
            refusals.isEmpty && pendingAddresses.isEmpty && certificates.problems.isEmpty
            ? await rollingUpgrade(
                spec, scope: scope, desired: desired, taskUnderWay: removal.taskUnderWay, events: events,
                result: &result) : nil
        if case .restart(let brokers)? = result.rollingUpgrade {
            steps = scope.holding(steps, restarting: Set(brokers))
        } else {
            steps = scope.holding(steps, restarting: [])
        }
        if !claims.refused.isEmpty {
            result.eventsRecorded += await events.record(
                unresizedClaims: claims.refused, generation: spec.metadata.generation ?? 0)
        }
        result.steps = steps

        do {
            try await execute(steps, events: events, result: &result)
        } catch .api(.conflict(let status), let during) {
            logger.debug(
                "conflict, reconciling again",
                metadata: [
                    "cluster": "\(namespace)/\(name)", "during": "\(during)",
                    "reason": "\(status.message ?? "")",
                ])
            result.requeueAfter = .zero
            return result
        }

        let status = spec.status ?? KafkaClusterStatus()
        let announce = ActionAnnouncements.pending(
            actionLog: status.actionLog ?? [], announcedThrough: status.announcedActionsThrough)
        for record in announce { result.eventsRecorded += await events.record(action: record) }
        var updated = ReconciledStatus.make(
            from: status, desired: desired, actual: actual, steps: steps,
            announcedActionsThrough: announce.last?.id)
        if removal.rebalanceTakenUp { updated.pendingRebalance = nil }
        for (id, graceful) in removal.brokerStates where updated.brokersState?[String(id)] != nil {
            updated.brokersState?[String(id)]?.gracefulActionState = graceful
        }
        updated.unsupported = refusals.isEmpty ? nil : refusals.map(\.description)
        updated.unresizedClaims = claims.refused.isEmpty ? nil : claims.refused
        var listenerStatuses = status.listenerStatuses ?? ListenerStatuses()
        listenerStatuses.externalListeners = ExternalAccess.listenerStatuses(
            spec.spec, hosts: externalHosts, cluster: name, namespace: namespace, assigned: nodePorts)
        updated.listenerStatuses = listenerStatuses == ListenerStatuses() ? nil : listenerStatuses
        let pending =
            pendingAddresses
            + ExternalAccess.nodePortPending(
                spec.spec, cluster: name, namespace: namespace, assigned: nodePorts)
        updated.pendingExternalAddresses = pending.isEmpty ? nil : pending
        updated.certificateExpiry = Self.expiryTimestamps(certificates.expiries)
        updated.certificateProblems = certificates.problems.isEmpty ? nil : certificates.problems
        if let upgrade {
            updated.rollingUpgradeStatus = upgrade.status
            if upgrade.isActive { updated.state = .rollingUpgrading }
        }
        // A broker waiting for its restart still serves from its old pod.
        for id in scope.outdated {
            updated.brokersState?[String(id)]?.configurationState = .outOfSync
            updated.brokersState?[String(id)]?.readiness = scope.unavailable.contains(id) ? .notReady : .ready
        }
        let brokersReady =
            !desired.brokers.isEmpty
            && desired.brokers.allSatisfy { updated.brokersState?[String($0.brokerID)]?.readiness == .ready }
        let topic = await ensureMetricsTopic(
            spec, recorded: status.cruiseControlTopicStatus, brokersReady: brokersReady, events: events,
            result: &result)
        updated.cruiseControlTopicStatus = topic.status
        let configRetry = await syncDynamicConfig(
            spec, desired: desired, status: &updated, events: events, result: &result)
        let reloading = await reloadKeystores(
            spec, renewed: certificates.brokersMustReload, status: &updated,
            brokers: desired.brokerIDs.sorted(), events: events, result: &result)
        switch try await writeStatus(status.mergePatch(to: updated), of: spec) {
        case .written: result.statusWritten = true
        case .unchanged: break
        case .clusterGone:
            result.clusterMissing = true
            return result
        case .conflict:
            result.requeueAfter = .zero
            return result
        }
        let waits = steps.contains { if case .waitForBroker = $0 { true } else { false } }
        if let next = removal.requeueAfter { result.requeueAfter = next }
        if waits || !pendingAddresses.isEmpty || claims.waiting || topic.retry || configRetry || reloading
            || certificates.rolloverUnderWay
            || upgrade?.isActive == true
            || result.created + result.updated + result.deleted > 0
        {
            // Our own writes come back as watch events; the requeue covers a missed one and
            // the waits, whose end no event of ours announces.
            result.requeueAfter = min(
                result.requeueAfter ?? configuration.waitInterval, configuration.waitInterval)
        }
        return result
    }

    /// The cluster as stored, with the uid its objects' owner references name; nil when it
    /// does not exist (the garbage collector removes what it owned).
    private func read(namespace: String, name: String) async throws(ReconcileError) -> ReadCluster? {
        let document: ClusterDocument
        do {
            guard
                let stored = try await ClusterDocument.read(
                    ClusterKey(namespace: namespace, name: name), api: api)
            else { return nil }
            document = stored
        } catch {
            switch error {
            case .api(let error): throw .api(error, during: "reading KafkaCluster \(namespace)/\(name)")
            case .unreadable(let reason):
                throw .unreadableCluster(namespace: namespace, name: name, reason: reason)
            }
        }
        guard let uid = document.cluster.metadata.uid, !uid.isEmpty else {
            throw .clusterWithoutUID(namespace: namespace, name: name)
        }
        return ReadCluster(document: document, uid: uid)
    }

    private struct ReadCluster {
        let document: ClusterDocument
        let uid: String
        var cluster: KafkaCluster { document.cluster }
    }

    /// Carries out a downScale that named no broker: asks for the broker to remove, then writes
    /// it out of the spec in one update, preconditioned on the version read. Nothing else happens
    /// in this pass; the next one plans from the new spec.
    private func removeChosenBroker(_ read: ReadCluster, events: EventRecorder) async throws(ReconcileError)
        -> ReconcileResult
    {
        var result = ReconcileResult()
        var document = read.document
        let key = "\(read.cluster.metadata.namespace ?? "")/\(read.cluster.metadata.name)"
        do {
            let chosen = try await configuration.chooseBroker(read.cluster)
            let removed = PendingBrokerRemoval.carryOut(choosing: chosen, in: &document.cluster)
            logger.info(
                "downScale: broker chosen",
                metadata: [
                    "cluster": "\(key)", "broker": "\(removed.map(String.init) ?? "none")",
                    "by": "\(chosen == nil || chosen != removed ? "highest id" : "fewest replicas")",
                ])
        } catch {
            logger.warning(
                "downScale: Kafka metadata unavailable, not choosing a broker",
                metadata: [
                    "cluster": "\(key)", "error": "\(error.reason)", "retrying": "\(error.isRetryable)",
                ])
            result.eventsRecorded += await events.record(
                brokerChoiceFailed: error, generation: read.cluster.metadata.generation ?? 0)
            guard !error.isRetryable else {
                result.requeueAfter = configuration.waitInterval
                return result
            }
            PendingBrokerRemoval.takeOne(from: &document.cluster)
        }
        do {
            _ = try await api.send(
                APIRequest(
                    method: "PUT",
                    path: ResourceType.kafkaClusters.path(
                        namespace: read.cluster.metadata.namespace, name: read.cluster.metadata.name),
                    body: document.json(), contentType: "application/json"))
            result.updated += 1
            result.requeueAfter = .zero
        } catch .notFound {
            result.clusterMissing = true
        } catch .conflict {
            result.requeueAfter = .zero
        } catch {
            throw .api(error, during: "removing the chosen broker from KafkaCluster \(key)")
        }
        return result
    }

    /// Creates Cruise Control's metrics topic when this pass should (`CruiseControlMetricsTopic`);
    /// the status the pass records for it, and whether to come back soon because a try that
    /// can succeed later failed. A failure is a Warning Event once per generation of the spec,
    /// never a failed pass: the rest of the cluster is reconciled regardless.
    private func ensureMetricsTopic(
        _ cluster: KafkaCluster, recorded: CruiseControlTopicStatus?, brokersReady: Bool,
        events: EventRecorder,
        result: inout ReconcileResult
    ) async -> (status: CruiseControlTopicStatus?, retry: Bool) {
        let decision = CruiseControlMetricsTopic.decide(
            spec: cluster.spec, recorded: recorded, canCreate: configuration.createTopic != nil,
            brokersReady: brokersReady)
        switch decision {
        case .none: return (nil, false)
        case .keep(let status): return (status, false)
        case .create(let topic):
            guard let createTopic = configuration.createTopic else { return (recorded, false) }
            do {
                if try await createTopic(cluster, topic) == .created {
                    result.eventsRecorded += await events.record(createdTopic: topic)
                }
                return (.ready, false)
            } catch {
                let retryable = CruiseControlMetricsTopic.isRetryable(error)
                logger.warning(
                    "Cruise Control's metrics topic could not be created",
                    metadata: [
                        "cluster": "\(cluster.metadata.namespace ?? "")/\(cluster.metadata.name)",
                        "topic": "\(topic.name)", "error": "\(error)", "retrying": "\(retryable)",
                    ])
                result.eventsRecorded += await events.record(
                    topicNotCreated: topic, reason: "\(error)", generation: cluster.metadata.generation ?? 0)
                return (.notReady, retryable)
            }
        }
    }

    /// Rendering a broken spec (a broker id used twice, nested disks) would make broken
    /// objects: the cluster stays as it is until the spec is fixed. Bounds on what alerts may
    /// do are the action engine's business, not a reason to stop reconciling.
    private func validate(_ cluster: KafkaCluster, events: EventRecorder) async throws(ReconcileError) {
        let problems = ClusterValidator.problems(in: cluster).filter {
            !$0.path.hasPrefix("spec.alertManagerConfig") && !$0.path.hasPrefix("spec.rollingUpgradeConfig")
        }
        guard !problems.isEmpty else { return }
        let reason = problems.map(\.description).joined(separator: "; ")
        _ = await events.record(invalidSpec: reason, generation: cluster.metadata.generation ?? 0)
        throw .unreadableCluster(
            namespace: cluster.metadata.namespace ?? "", name: cluster.metadata.name, reason: reason)
    }

    private enum StatusWrite {
        case written, unchanged, clusterGone, conflict
    }

    /// The CRD has no status subresource (an action writes spec and status in one update), so
    /// the patch goes to the object itself. It names the resourceVersion the plan was made
    /// from: if an action wrote meanwhile, the patch is refused and the next pass plans from
    /// what the action left.
    private func writeStatus(_ patch: JSONValue?, of cluster: KafkaCluster) async throws(ReconcileError)
        -> StatusWrite
    {
        guard case .object(var members)? = patch else { return .unchanged }
        if let version = cluster.metadata.resourceVersion {
            members.append(("metadata", .object([("resourceVersion", .string(version))])))
        }
        let namespace = cluster.metadata.namespace ?? ""
        do {
            _ = try await api.send(
                APIRequest(
                    method: "PATCH",
                    path: ResourceType.kafkaClusters.path(namespace: namespace, name: cluster.metadata.name),
                    body: JSONValue.object(members).encoded(), contentType: PatchType.merge.rawValue))
            return .written
        } catch .notFound {
            return .clusterGone
        } catch .conflict {
            return .conflict
        } catch {
            throw .api(
                error, during: "writing the status of KafkaCluster \(namespace)/\(cluster.metadata.name)")
        }
    }

    /// Performs the steps: cluster-wide ones first, then each broker's in order, several
    /// brokers at once. A broker's steps depend on each other (its old pod goes before the new
    /// one comes); different brokers' do not.
    private func execute(_ steps: [ReconcileStep], events: EventRecorder, result: inout ReconcileResult)
        async throws(ReconcileError)
    {
        var clusterWide: [ReconcileStep] = []
        var byBroker: [Int32: [ReconcileStep]] = [:]
        var order: [Int32] = []
        for step in steps {
            guard let broker = step.brokerID else {
                clusterWide.append(step)
                continue
            }
            if byBroker[broker] == nil { order.append(broker) }
            byBroker[broker, default: []].append(step)
        }
        for step in clusterWide { try await perform(step, events: events, result: &result) }

        let outcomes = await withTaskGroup(of: (ReconcileResult, ReconcileError?).self) { group in
            var pending = order[...]
            func start() {
                guard let broker = pending.popFirst(), let brokerSteps = byBroker[broker] else { return }
                group.addTask {
                    var partial = ReconcileResult()
                    do throws(ReconcileError) {
                        for step in brokerSteps { try await perform(step, events: events, result: &partial) }
                        return (partial, nil)
                    } catch {
                        return (partial, error)
                    }
                }
            }
            for _ in 0..<configuration.maxConcurrentWrites { start() }
            var outcomes: [(ReconcileResult, ReconcileError?)] = []
            for await outcome in group {
                outcomes.append(outcome)
                start()
            }
            return outcomes
        }
        var failure: ReconcileError?
        for (partial, error) in outcomes {
            result.created += partial.created
            result.updated += partial.updated
            result.deleted += partial.deleted
            result.eventsRecorded += partial.eventsRecorded
            result.blocked += partial.blocked
            // A conflict wins: it asks for a prompt requeue rather than a backoff.
            if let error, failure == nil || error.isConflict { failure = error }
        }
        if let failure { throw failure }
    }

    /// Certificate expiries as the status writes them; nil when there are none.
    static func expiryTimestamps(_ expiries: [String: Date]) -> [String: String]? {
        expiries.isEmpty
            ? nil
            : expiries.mapValues {
                UTCTimestamp.format(milliseconds: Int64($0.timeIntervalSince1970 * 1_000))
            }
    }

    /// Within `KeystoreReload.windowMilliseconds` of a renewal of the brokers' certificate (`renewed` this
    /// pass, or recorded in the status), asks every broker to reload its keystore; whether the
    /// window is still open (look again soon). Without a Kafka client the brokers load the
    /// renewed certificate at their next start. A broker that refuses is marked for a restart
    /// (`BrokerState.keystoreRestart`), which the rolling upgrade carries out health-gated.
    private func reloadKeystores(
        _ cluster: KafkaCluster, renewed: Bool, status: inout KafkaClusterStatus, brokers: [Int32],
        events: EventRecorder, result: inout ReconcileResult
    ) async -> Bool {
        let now = configuration.now()
        let until =
            renewed
            ? now + KeystoreReload.windowMilliseconds
            : status.keystoreReloadUntil.flatMap(UTCTimestamp.milliseconds(of:)) ?? 0
        guard until > now else {
            status.keystoreReloadUntil = nil
            return false
        }
        status.keystoreReloadUntil = UTCTimestamp.format(milliseconds: until)
        guard let clients = configuration.dynamicConfig else { return false }
        let kafka: any KafkaAdminClient
        do { kafka = try await clients(cluster) } catch {
            logger.info(
                "no Kafka client to reload keystores through; asking again next pass",
                metadata: ["cluster": "\(cluster.metadata.name)", "error": "\(error)"])
            return true
        }
        let failed = await KeystoreReload(kafka: kafka).run(cluster.spec, brokers: brokers)
        let renewal = UTCTimestamp.format(milliseconds: until)
        for (broker, failure) in failed.sorted(by: { $0.key < $1.key }) {
            switch failure {
            case .unreachable(let reason):
                logger.info(
                    "a broker was not asked to reload its keystore; asking again next pass",
                    metadata: [
                        "cluster": "\(cluster.metadata.name)", "broker": "\(broker)", "error": "\(reason)",
                    ])
            case .refused(let reason):
                let key = String(broker)
                guard status.brokersState?[key] != nil,
                    status.brokersState?[key]?.keystoreRestart != renewal
                else { continue }
                status.brokersState?[key]?.keystoreRestart = renewal
                result.eventsRecorded += await events.record(keystoreReloadRefused: broker, reason: reason)
            }
        }
        return true
    }

    /// Brings the cluster's TLS Secrets to what `ClusterCertificates` decides: each read, the
    /// ones issued written (created, or replaced at the version read, so a concurrent writer
    /// gets a conflict rather than lost keys). The keystores the spec brings are checked
    /// (`UserKeystores`) beside them. Problems are reported once per generation.
    private func syncCertificates(
        _ cluster: KafkaCluster, uid: String, externalHosts: [String: String], events: EventRecorder,
        result: inout ReconcileResult
    ) async throws(ReconcileError) -> ClusterCertificates.Outcome {
        let name = cluster.metadata.name
        let namespace = cluster.metadata.namespace ?? "default"
        let now = configuration.now()
        let date = Date(timeIntervalSince1970: Double(now) / 1_000)
        let planner = ClusterCertificates(
            cluster: name, namespace: namespace, spec: cluster.spec,
            owner: ResourceConventions.ownerReference(cluster: name, uid: uid),
            externalHosts: externalHosts.values.sorted())
        let keystores = UserKeystores(
            spec: cluster.spec, cluster: name, namespace: namespace, externalHosts: externalHosts)
        let ssl = SSLSecrets(cluster.spec.listenersConfig?.sslSecrets)
        let names =
            (ssl.map { planner.secretNames(caSecret: $0.tlsSecretName) } ?? []) + keystores.uses.map(\.secret)
        guard !names.isEmpty else { return .init() }
        var live: [String: Secret] = [:]
        for secret in Set(names).sorted() {
            do {
                live[secret] = try await api.get(Secret.self, namespace: namespace, name: secret)
            } catch .notFound {
                continue
            } catch {
                throw .api(error, during: "reading Secret \(secret)")
            }
        }
        var outcome = ClusterCertificates.Outcome()
        if let ssl {
            let users =
                planner.rolloverDue(caSecret: live[ssl.tlsSecretName], now: date)
                ? try await userSecrets(of: ClusterKey(namespace: namespace, name: name)) : []
            outcome = await planner.plan(live: live, users: users, now: date)
        }
        let checked = keystores.check(live: live, now: date)
        outcome.problems += checked.problems
        outcome.expiries.merge(checked.expiries) { planned, _ in planned }
        outcome.expiringUserCertificates.merge(checked.expiring) { planned, _ in planned }
        if !keystores.renewed(checked, recorded: cluster.status?.certificateExpiry ?? [:]).isEmpty {
            outcome.brokersMustReload = true
        }
        for var secret in outcome.writes {
            do throws(KubernetesError) {
                if let current = live[secret.name] {
                    secret.metadata.resourceVersion = current.metadata.resourceVersion
                    // A user's CA Secret keeps its owner: the operator does not adopt it.
                    secret.metadata.ownerReferences =
                        current.metadata.ownerReferences ?? secret.metadata.ownerReferences
                    _ = try await api.update(secret)
                    result.updated += 1
                } else {
                    _ = try await api.create(secret)
                    result.created += 1
                }
            } catch {
                throw .api(error, during: "writing Secret \(secret.name)")
            }
        }
        if !outcome.issued.isEmpty {
            result.eventsRecorded += await events.record(issuedCertificates: outcome.issued)
        }
        if !outcome.problems.isEmpty {
            result.eventsRecorded += await events.record(
                certificateProblems: outcome.problems, generation: cluster.metadata.generation ?? 0)
        }
        for (secret, expiry) in outcome.expiringUserCertificates.sorted(by: { $0.key < $1.key }) {
            result.eventsRecorded += await events.record(
                expiringCertificate: secret,
                notAfter: UTCTimestamp.format(milliseconds: Int64(expiry.timeIntervalSince1970 * 1_000)))
        }
        for (secret, expiry) in outcome.expiries {
            configuration.certificateMetrics.expiresIn(
                Int64(expiry.timeIntervalSince1970) - now / 1_000, cluster: "\(namespace)/\(name)",
                secret: secret)
        }
        return outcome
    }

    /// The certificate Secrets of the KafkaUsers of `cluster` (in any namespace) that exist:
    /// the peers a CA rollover must see trust the new CA before the old one goes.
    private func userSecrets(of cluster: ClusterKey) async throws(ReconcileError) -> [Secret] {
        let users: [KafkaUser]
        do { users = try await api.list(KafkaUser.self, namespace: nil).items } catch {
            throw .api(error, during: "listing KafkaUsers")
        }
        var secrets: [Secret] = []
        for user in users where user.spec.issuesCertificate {
            let namespace = user.metadata.namespace ?? cluster.namespace
            guard ClusterKey(user.spec.clusterRef, from: namespace) == cluster else { continue }
            do {
                secrets.append(
                    try await api.get(Secret.self, namespace: namespace, name: user.spec.secretName))
            } catch .notFound {
                continue
            } catch {
                throw .api(error, during: "reading Secret \(namespace)/\(user.spec.secretName)")
            }
        }
        return secrets
    }

    /// What Kubernetes assigned that the cluster's NodePort listeners advertise; each node a
    /// broker advertises is read once. Nothing is read for a cluster without such a listener.
    private func nodePortAssignments(_ spec: KafkaCluster, actual: ActualState, cluster: String) async
        -> NodePortAssignments
    {
        guard !ExternalAccess.nodePortListeners(spec.spec).isEmpty else { return NodePortAssignments() }
        var assigned = NodePortAssignments(actual, cluster: cluster, spec: spec.spec)
        for name in assigned.nodeNames(spec.spec).sorted() {
            do {
                assigned.nodeAddresses[name] = try await api.get(Node.self, namespace: nil, name: name)
                    .addresses
            } catch {
                logger.warning(
                    "a node could not be read; its brokers keep the address they advertise",
                    metadata: ["node": "\(name)", "error": "\(error)"])
            }
        }
        return assigned
    }

    /// The steps without the claim updates the API server would refuse (`ClaimResize`), each
    /// grown claim's StorageClass read once; the reasons for those refused for good, and
    /// whether one waits (a claim not bound yet, a class that could not be read).
    private func holdingUnresizableClaims(_ steps: [ReconcileStep], actual: ActualState) async
        -> (steps: [ReconcileStep], refused: [String], waiting: Bool)
    {
        let resizes = ClaimResize.classify(steps: steps, actual: actual)
        guard !resizes.isEmpty else { return (steps, [], false) }
        var classes: [String: ClaimResize.ClassAnswer] = [:]
        for name in ClaimResize.classesToRead(resizes).sorted() {
            do {
                let storageClass = try await api.get(StorageClass.self, namespace: nil, name: name)
                classes[name] = storageClass.allowVolumeExpansion == true ? .expandable : .notExpandable
            } catch .notFound {
                classes[name] = .missing
            } catch {
                logger.warning(
                    "a StorageClass could not be read; its claims keep their size this pass",
                    metadata: ["storageClass": "\(name)", "error": "\(error)"])
                classes[name] = .unknown
            }
        }
        var held: Set<String> = []
        var refused: [String] = []
        var waiting = false
        for resize in resizes {
            switch resize.verdict(classes: classes) {
            case .send: continue
            case .refuse(let reason): refused.append(reason)
            case .wait: waiting = true
            }
            held.insert(resize.claim)
        }
        return (ClaimResize.removing(held, from: steps), refused, waiting)
    }

    /// The claims of ours that hold each broker's disks, by the mount path annotated on them.
    /// Claim name → requested storage, as the live claims say.
    static func claimSizes(_ actual: ActualState) -> [String: String] {
        var sizes: [String: String] = [:]
        for claim in actual.persistentVolumeClaims {
            if let size = claim.spec?.resources?.requests?["storage"] { sizes[claim.name] = size }
        }
        return sizes
    }

    static func claimsByMountPath(_ actual: ActualState, uid: String) -> [Int32: [String: String]] {
        var claims: [Int32: [String: String]] = [:]
        for claim in actual.persistentVolumeClaims {
            let object = OwnedObject(claim)
            guard object.isControlled(byUID: uid), !object.isTerminating, let broker = object.brokerID,
                let mountPath = claim.metadata.annotations?[ResourceConventions.mountPathAnnotation]
            else { continue }
            claims[broker, default: [:]][mountPath] = claim.name
        }
        return claims
    }

    /// Lists every object labelled with the cluster's name: one read per managed kind.
    func observe(namespace: String, cluster: String) async throws(ReconcileError) -> ActualState {
        let options = ListOptions(labelSelector: ResourceConventions.selector(cluster: cluster))
        func list<Object: ManagedObject>(_ type: Object.Type) async throws(KubernetesError) -> [OwnedObject] {
            try await api.list(Object.self, namespace: namespace, options: options).items.map(
                OwnedObject.init)
        }
        var actual = ActualState()
        for kind in ManagedKinds.all {
            do { actual.objects += try await list(kind) } catch {
                throw .api(
                    error,
                    during: "listing the \(kind.resourceType.plural) of KafkaCluster \(namespace)/\(cluster)")
            }
        }
        return actual
    }

    private func perform(_ step: ReconcileStep, events: EventRecorder, result: inout ReconcileResult)
        async throws(ReconcileError)
    {
        switch step {
        case .create(let object):
            do {
                _ = try await object.create(with: api)
                result.created += 1
                result.eventsRecorded += await events.record(created: object)
            } catch .alreadyExists {
                // A retried create whose first answer was lost, or a stale list.
                let live: OwnedObject
                do { live = try await object.read(with: api) } catch {
                    throw .api(error, during: "reading \(object.key) after it already existed")
                }
                guard live.isControlled(byUID: object.metadata.ownerReferences?.first?.uid ?? "") else {
                    let problem = ReconcileError.nameTaken(
                        kind: object.resourceType.kind, namespace: object.metadata.namespace ?? "",
                        name: object.name)
                    logger.warning("\(problem)")
                    result.blocked.append(object.key)
                    return
                }
                if !object.isReplacedNotUpdated,
                    live.specHash != object.specHash || live.drifted(from: object)
                {
                    try await update(object.laid(over: live), result: &result)
                }
            } catch {
                throw .api(error, during: "creating \(object.key)")
            }
        case .update(let object):
            try await update(object, result: &result)
        case .delete(let target):
            do {
                try await api.delete(
                    target.type, namespace: target.namespace, name: target.name,
                    options: DeleteOptions(
                        preconditions: DeleteOptions.Preconditions(uid: target.uid),
                        propagationPolicy: .background))
                result.deleted += 1
                result.eventsRecorded += await events.record(deleted: target)
            } catch .notFound {
                // Already gone: the goal of the step holds.
            } catch {
                throw .api(error, during: "deleting \(target)")
            }
        case .forgetBroker, .waitForBroker:
            // The status patch forgets; a wait only asks for a requeue.
            break
        }
    }

    private func update(_ object: OwnedObject, result: inout ReconcileResult) async throws(ReconcileError) {
        do {
            _ = try await object.update(with: api)
            result.updated += 1
        } catch {
            throw .api(error, during: "updating \(object.key)")
        }
    }
}
