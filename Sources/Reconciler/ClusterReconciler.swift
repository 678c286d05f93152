import ClusterModel
import JSON
import Kubernetes
import Logging

/// Makes one KafkaCluster's objects match its spec, level-triggered: every call reads the
/// cluster and its objects afresh, plans with `ReconcilePlan`, performs the steps, and writes
/// the status fields it owns. A cluster already in the desired state costs five reads and no
/// writes.
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
        /// Decides which leaving brokers have moved their data away; the Cruise Control
        /// integration will answer from its removal tasks. Until then, every broker counts.
        public var removalGate: @Sendable (KafkaCluster) async -> RemovalGate
        /// Names the operator in Events.
        public var component: String
        /// How many brokers' writes run at once.
        public var maxConcurrentWrites: Int

        public init(
            defaultImage: String = ResourceConventions.defaultImage, recordEvents: Bool = true,
            waitInterval: Duration = .seconds(2),
            removalGate: @escaping @Sendable (KafkaCluster) async -> RemovalGate = { _ in .noCruiseControl },
            component: String = "kafka-operator", maxConcurrentWrites: Int = 8
        ) {
            self.maxConcurrentWrites = max(1, maxConcurrentWrites)
            self.defaultImage = defaultImage
            self.recordEvents = recordEvents
            self.waitInterval = waitInterval
            self.removalGate = removalGate
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

    public func reconcile(namespace: String, name: String) async throws(ReconcileError) -> ReconcileResult {
        var result = ReconcileResult()
        let bytes: [UInt8]
        do {
            bytes = try await api.send(
                APIRequest(
                    method: "GET", path: ResourceType.kafkaClusters.path(namespace: namespace, name: name)))
        } catch {
            if case .notFound = error {
                // Gone: the garbage collector removes what it owned.
                result.clusterMissing = true
                return result
            }
            throw .api(error, during: "reading KafkaCluster \(namespace)/\(name)")
        }
        let document: ClusterDocument
        do { document = try ClusterDocument(json: bytes) } catch {
            throw .unreadableCluster(namespace: namespace, name: name, reason: error.description)
        }
        if document.original["metadata"]?["deletionTimestamp"] != nil { return result }
        var cluster = document.cluster
        cluster.metadata.namespace = cluster.metadata.namespace ?? namespace
        guard let uid = cluster.metadata.uid, !uid.isEmpty else {
            throw .clusterWithoutUID(namespace: namespace, name: name)
        }
        // Rendering a broken spec (a broker id used twice, nested disks) would make broken
        // objects: the cluster stays as it is until the spec is fixed. Bounds on what alerts may
        // do are the action engine's business, not a reason to stop reconciling.
        let problems = ClusterValidator.problems(in: cluster).filter {
            !$0.path.hasPrefix("spec.alertManagerConfig") && !$0.path.hasPrefix("spec.rollingUpgradeConfig")
        }
        guard problems.isEmpty else {
            let reason = problems.map(\.description).joined(separator: "; ")
            let events = EventRecorder(
                api: api, cluster: cluster, uid: uid, component: configuration.component,
                enabled: configuration.recordEvents)
            _ = await events.record(invalidSpec: reason, generation: cluster.metadata.generation ?? 0)
            throw .unreadableCluster(namespace: namespace, name: name, reason: reason)
        }

        let actual = try await observe(namespace: namespace, cluster: name)
        let desired = DesiredStateRenderer(defaultImage: configuration.defaultImage).render(
            cluster, uid: uid, existingClaims: Self.claimsByMountPath(actual, uid: uid))
        let gate = await configuration.removalGate(cluster)
        let steps = ReconcilePlan.make(
            desired: desired, actual: actual, brokerStates: cluster.status?.brokersState ?? [:], gate: gate)
        result.steps = steps

        let events = EventRecorder(
            api: api, cluster: cluster, uid: uid, component: configuration.component,
            enabled: configuration.recordEvents)
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

        let marker: String? = {
            if case .string(let id)? = document.original["status"]?[ActionAnnouncements.markerField] {
                return id
            }
            return nil
        }()
        let announce = ActionAnnouncements.pending(
            actionLog: cluster.status?.actionLog ?? [], announcedThrough: marker)
        for record in announce { result.eventsRecorded += await events.record(action: record) }
        if let patch = ClusterStatusPatch.make(
            desired: desired, actual: actual, steps: steps, status: document.original["status"],
            announcedActionsThrough: announce.last?.id ?? marker)
        {
            // The CRD has no status subresource (an action writes spec and status in one
            // update), so the patch goes to the object itself. It names the resourceVersion the
            // plan was made from: if an action wrote meanwhile, the patch is refused and the
            // next pass plans from what the action left.
            var members: [(key: String, value: JSONValue)] = []
            if case .object(let patchMembers) = patch { members = patchMembers }
            if let version = document.cluster.metadata.resourceVersion {
                members.append(("metadata", .object([("resourceVersion", .string(version))])))
            }
            do {
                _ = try await api.send(
                    APIRequest(
                        method: "PATCH",
                        path: ResourceType.kafkaClusters.path(namespace: namespace, name: name),
                        body: JSONValue.object(members).encoded(), contentType: PatchType.merge.rawValue))
                result.statusWritten = true
            } catch {
                switch error {
                case .notFound:
                    result.clusterMissing = true
                    return result
                case .conflict:
                    result.requeueAfter = .zero
                    return result
                default:
                    throw .api(error, during: "writing the status of KafkaCluster \(namespace)/\(name)")
                }
            }
        }
        let waits = steps.contains { if case .waitForBroker = $0 { true } else { false } }
        if waits || result.created + result.updated + result.deleted > 0 {
            // Our own writes come back as watch events; the requeue covers a missed one and
            // the waits, whose end no event of ours announces.
            result.requeueAfter = configuration.waitInterval
        }
        return result
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

    /// The claims of ours that hold each broker's disks, by the mount path annotated on them.
    static func claimsByMountPath(_ actual: ActualState, uid: String) -> [Int32: [String: String]] {
        var claims: [Int32: [String: String]] = [:]
        for claim in actual.persistentVolumeClaims {
            let object = OwnedObject.persistentVolumeClaim(claim)
            guard object.isControlled(byUID: uid), !object.isTerminating, let broker = object.brokerID,
                let mountPath = claim.metadata.annotations?[ResourceConventions.mountPathAnnotation]
            else { continue }
            claims[broker, default: [:]][mountPath] = claim.name
        }
        return claims
    }

    /// Lists every object labelled with the cluster's name: four reads.
    func observe(namespace: String, cluster: String) async throws(ReconcileError) -> ActualState {
        let options = ListOptions(labelSelector: ResourceConventions.selector(cluster: cluster))
        do {
            return ActualState(
                pods: try await api.list(Pod.self, namespace: namespace, options: options).items,
                configMaps: try await api.list(ConfigMap.self, namespace: namespace, options: options).items,
                persistentVolumeClaims: try await api.list(
                    PersistentVolumeClaim.self, namespace: namespace, options: options
                ).items,
                services: try await api.list(Service.self, namespace: namespace, options: options).items)
        } catch {
            throw .api(error, during: "listing the objects of KafkaCluster \(namespace)/\(cluster)")
        }
    }

    private func perform(_ step: ReconcileStep, events: EventRecorder, result: inout ReconcileResult)
        async throws(ReconcileError)
    {
        switch step {
        case .create(let object):
            do {
                try await create(object)
                result.created += 1
                result.eventsRecorded += await events.record(created: object)
            } catch .alreadyExists {
                // A retried create whose first answer was lost, or a stale list.
                let live: OwnedObject
                do { live = try await get(object) } catch {
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
                if object.resourceType != .pods,
                    live.specHash != object.specHash || ReconcilePlan.drifted(live, from: object)
                {
                    try await update(ReconcilePlan.updated(object, over: live), result: &result)
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
            switch object {
            case .pod(let pod): _ = try await api.update(pod)
            case .configMap(let map): _ = try await api.update(map)
            case .persistentVolumeClaim(let claim): _ = try await api.update(claim)
            case .service(let service): _ = try await api.update(service)
            }
            result.updated += 1
        } catch {
            throw .api(error, during: "updating \(object.key)")
        }
    }

    private func create(_ object: OwnedObject) async throws(KubernetesError) {
        switch object {
        case .pod(let pod): _ = try await api.create(pod)
        case .configMap(let map): _ = try await api.create(map)
        case .persistentVolumeClaim(let claim): _ = try await api.create(claim)
        case .service(let service): _ = try await api.create(service)
        }
    }

    private func get(_ object: OwnedObject) async throws(KubernetesError) -> OwnedObject {
        let namespace = object.metadata.namespace
        switch object {
        case .pod: return .pod(try await api.get(Pod.self, namespace: namespace, name: object.name))
        case .configMap:
            return .configMap(try await api.get(ConfigMap.self, namespace: namespace, name: object.name))
        case .persistentVolumeClaim:
            return .persistentVolumeClaim(
                try await api.get(PersistentVolumeClaim.self, namespace: namespace, name: object.name))
        case .service:
            return .service(try await api.get(Service.self, namespace: namespace, name: object.name))
        }
    }
}
