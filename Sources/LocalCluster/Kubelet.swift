import JSON
import KubernetesAPITypes
import Synchronization

/// Plays the node and the controllers a bare API server lacks: schedules pods and walks them
/// Pending → scheduled → Running → Ready after the configured delays, binds claims, and reports
/// deployments as fully available. Works from the pods' persisted status, so a restarted
/// cluster carries on where it stopped.
final class Kubelet: Sendable {
    private let store: ObjectStore
    private let timing: LocalClusterConfiguration.KubeletTiming
    private let faults: FaultInjector
    private let tasks = Mutex<[String: Task<Void, Never>]>([:])
    static let nodeName = "local-node"

    init(store: ObjectStore, timing: LocalClusterConfiguration.KubeletTiming, faults: FaultInjector) {
        self.store = store
        self.timing = timing
        self.faults = faults
    }

    /// Follows the store until the change stream ends.
    func run(_ changes: AsyncStream<StoreChange>, existing: [(ResourceDefinition, JSONValue)]) async {
        for (resource, object) in existing { consider(resource, object, kind: .added) }
        for await change in changes { consider(change.resource, change.object, kind: change.kind) }
        for task in tasks.withLock({ Array($0.values) }) { task.cancel() }
    }

    private func consider(_ resource: ResourceDefinition, _ object: JSONValue, kind: StoreChange.Kind) {
        guard let uid = object.value(at: ["metadata", "uid"])?.stringValue else { return }
        if kind == .deleted {
            let ended = tasks.withLock {
                [$0.removeValue(forKey: uid), $0.removeValue(forKey: uid + "/stop")]
            }
            for task in ended { task?.cancel() }
            return
        }
        let reference = ObjectStore.Reference(
            resource: resource, namespace: ObjectStore.namespace(of: object),
            name: ObjectStore.name(of: object))
        switch resource.plural {
        case "pods":
            if let deadline = object.value(at: ["metadata", "deletionTimestamp"])?.stringValue {
                guard object.value(at: ["metadata", "deletionGracePeriodSeconds"]) != .integer(0) else {
                    return
                }
                tasks.withLock { $0.removeValue(forKey: uid) }?.cancel()
                start(uid + "/stop") { [self] in await stopPod(reference, uid: uid, deadline: deadline) }
                return
            }
            // A ready pod needs nothing; an ended one (Failed, Succeeded) never runs again.
            let phase = object.value(at: ["status", "phase"])?.stringValue
            guard !Self.isReady(object), phase != "Failed", phase != "Succeeded" else { return }
            start(uid) { [self] in await runPod(reference, uid: uid) }
        case "persistentvolumeclaims":
            guard object.value(at: ["status", "phase"])?.stringValue != "Bound" else { return }
            start(uid) { [self] in await bindClaim(reference, uid: uid) }
        case "deployments":
            let generation = object.value(at: ["metadata", "generation"])
            guard object.value(at: ["status", "observedGeneration"]) != generation else { return }
            start(uid + "/" + String(decoding: (generation ?? .null).encoded(), as: UTF8.self)) { [self] in
                await rollOut(reference, uid: uid, object: object)
            }
        default: return
        }
    }

    private func start(_ key: String, _ work: @escaping @Sendable () async -> Void) {
        tasks.withLock { tasks in
            guard tasks[key] == nil else { return }
            tasks[key] = Task { [self] in
                await work()
                _ = self.tasks.withLock { $0.removeValue(forKey: key) }
            }
        }
    }

    // MARK: - Pods

    private func runPod(_ reference: ObjectStore.Reference, uid: String) async {
        guard
            let pod = try? await store.get(
                reference.resource, namespace: reference.namespace, name: reference.name),
            pod.value(at: ["metadata", "uid"])?.stringValue == uid
        else { return }
        if pod.value(at: ["spec", "nodeName"])?.stringValue?.isEmpty ?? true {
            guard await pause(timing.scheduleDelay) else { return }
            guard
                await store.mutate(
                    reference, uid: uid,
                    { pod in
                        pod.set(["spec", "nodeName"], .string(Self.nodeName))
                        pod.set(["status", "conditions"], .array([Self.condition("PodScheduled", true)]))
                    })
            else { return }
        }
        if pod.value(at: ["status", "phase"])?.stringValue != "Running" {
            guard await pause(timing.startDelay) else { return }
            let now = Timestamp.now()
            let address = Self.podIP(uid)
            guard
                await store.mutate(
                    reference, uid: uid,
                    { pod in
                        pod.set(["status", "phase"], .string("Running"))
                        pod.set(["status", "hostIP"], .string("10.0.0.2"))
                        pod.set(["status", "podIP"], .string(address))
                        pod.set(["status", "podIPs"], .array([.object([("ip", .string(address))])]))
                        pod.set(["status", "startTime"], .string(now))
                        pod.set(
                            ["status", "conditions"],
                            .array([
                                Self.condition("PodReadyToStartContainers", true),
                                Self.condition("Initialized", true),
                                Self.condition("Ready", false), Self.condition("ContainersReady", false),
                                Self.condition("PodScheduled", true),
                            ]))
                        pod.set(
                            ["status", "containerStatuses"],
                            Self.containerStatuses(pod, ready: false, startedAt: now))
                    })
            else { return }
        }
        guard await pause(timing.readyDelay) else { return }
        while faults.blocksReadiness(
            name: reference.name, labels: pod.value(at: ["metadata", "labels"])?.stringMap ?? [:])
        {
            guard await pause(.milliseconds(200)) else { return }
        }
        await store.mutate(reference, uid: uid) { pod in
            let started = pod.value(at: ["status", "startTime"])?.stringValue ?? Timestamp.now()
            pod.set(
                ["status", "conditions"],
                .array([
                    Self.condition("PodReadyToStartContainers", true), Self.condition("Initialized", true),
                    Self.condition("Ready", true), Self.condition("ContainersReady", true),
                    Self.condition("PodScheduled", true),
                ]))
            pod.set(
                ["status", "containerStatuses"], Self.containerStatuses(pod, ready: true, startedAt: started))
        }
    }

    /// Stops a deleted pod's containers, then removes the pod: after the stop delay, or for a
    /// pod that ignores the signal, when its grace period (the deletionTimestamp) is over.
    private func stopPod(_ reference: ObjectStore.Reference, uid: String, deadline: String) async {
        let end = Timestamp.secondsUntil(deadline).map { ContinuousClock.now + .seconds($0) }
        let stopped = end.map { min(ContinuousClock.now + timing.stopDelay, $0) } ?? ContinuousClock.now
        guard await pause(stopped - ContinuousClock.now) else { return }
        while faults.ignoresTermination(name: reference.name), end.map({ ContinuousClock.now < $0 }) ?? false
        {
            guard await pause(.milliseconds(50)) else { return }
        }
        await store.finishTermination(reference, uid: uid)
    }

    /// Crashes the containers of the running pods whose names start with `prefix`: restarted in
    /// place (one more `restartCount`) unless the pod's `restartPolicy` is `Never`, when the pod
    /// ends `Failed`, not ready, for good.
    func crash(podNamePrefix prefix: String) async -> Int {
        guard let pods = ResourceRegistry.standard.definition(for: .pods) else { return 0 }
        var crashed = 0
        for pod in await store.all(pods) {
            let name = ObjectStore.name(of: pod)
            guard name.hasPrefix(prefix), pod.value(at: ["status", "phase"])?.stringValue == "Running",
                pod.value(at: ["metadata", "deletionTimestamp"]) == nil,
                let uid = pod.value(at: ["metadata", "uid"])?.stringValue
            else { continue }
            let ends = pod.value(at: ["spec", "restartPolicy"])?.stringValue == "Never"
            let reference = ObjectStore.Reference(
                resource: pods, namespace: ObjectStore.namespace(of: pod), name: name)
            let changed = await store.mutate(reference, uid: uid) { pod in
                Self.crashContainers(of: &pod, ending: ends)
            }
            if changed { crashed += 1 }
        }
        return crashed
    }

    /// The containers exit with an error: restarted in place, or, when the pod `ends`, stopped
    /// with the pod `Failed`.
    private static func crashContainers(of pod: inout JSONValue, ending ends: Bool) {
        let exited = JSONValue.object([
            (
                "terminated",
                .object([
                    ("exitCode", .integer(1)), ("reason", .string("Error")),
                    ("finishedAt", .string(Timestamp.now())),
                ])
            )
        ])
        guard case .array(var statuses)? = pod.value(at: ["status", "containerStatuses"]) else { return }
        for index in statuses.indices {
            if ends {
                statuses[index].set(["state"], exited)
                statuses[index].set(["ready"], .bool(false))
                statuses[index].set(["started"], .bool(false))
            } else {
                let count =
                    statuses[index]["restartCount"].flatMap(ObjectStore.numberText).flatMap { Int($0) } ?? 0
                statuses[index].set(["restartCount"], .integer(count + 1))
                statuses[index].set(["lastState"], exited)
            }
        }
        pod.set(["status", "containerStatuses"], .array(statuses))
        guard ends else { return }
        pod.set(["status", "phase"], .string("Failed"))
        pod.set(
            ["status", "conditions"],
            .array([
                condition("PodReadyToStartContainers", false), condition("Initialized", true),
                condition("Ready", false), condition("ContainersReady", false),
                condition("PodScheduled", true),
            ]))
    }

    static func isReady(_ pod: JSONValue) -> Bool {
        guard case .array(let conditions)? = pod.value(at: ["status", "conditions"]) else { return false }
        return conditions.contains { $0["type"] == .string("Ready") && $0["status"] == .string("True") }
    }

    private static func condition(_ type: String, _ status: Bool) -> JSONValue {
        .object([
            ("type", .string(type)), ("status", .string(status ? "True" : "False")),
            ("lastProbeTime", .null), ("lastTransitionTime", .string(Timestamp.now())),
        ])
    }

    private static func containerStatuses(_ pod: JSONValue, ready: Bool, startedAt: String) -> JSONValue {
        guard case .array(let containers)? = pod.value(at: ["spec", "containers"]) else { return .array([]) }
        return .array(
            containers.map { container in
                let name = container["name"]?.stringValue ?? "main"
                let image = container["image"]?.stringValue ?? ""
                return .object([
                    ("name", .string(name)), ("image", .string(image)), ("imageID", .string(image)),
                    ("containerID", .string("local://\(name)")),
                    ("ready", .bool(ready)), ("started", .bool(true)), ("restartCount", .integer(0)),
                    ("state", .object([("running", .object([("startedAt", .string(startedAt))]))])),
                    ("lastState", .object([])),
                ])
            })
    }

    /// A stable address in 10.244.0.0/16 from the pod's uid.
    private static func podIP(_ uid: String) -> String {
        var hash: UInt32 = 2_166_136_261
        for byte in uid.utf8 { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        return "10.244.\(hash >> 8 & 0xFF).\(max(2, hash & 0xFF) & 0xFE | 2)"
    }

    // MARK: - Claims and deployments

    private func bindClaim(_ reference: ObjectStore.Reference, uid: String) async {
        guard await pause(timing.bindDelay) else { return }
        await store.mutate(reference, uid: uid) { claim in
            let storage = claim.value(at: ["spec", "resources", "requests", "storage"]) ?? .string("1Gi")
            let modes = claim.value(at: ["spec", "accessModes"]) ?? .array([.string("ReadWriteOnce")])
            claim.set(["spec", "volumeName"], .string("pvc-\(uid)"))
            if claim.value(at: ["spec", "storageClassName"]) == nil {
                claim.set(["spec", "storageClassName"], .string("standard"))
            }
            claim.set(["status", "phase"], .string("Bound"))
            claim.set(["status", "accessModes"], modes)
            claim.set(["status", "capacity"], .object([("storage", storage)]))
        }
    }

    private func rollOut(_ reference: ObjectStore.Reference, uid: String, object: JSONValue) async {
        guard await pause(timing.startDelay + timing.readyDelay) else { return }
        let replicas = object.value(at: ["spec", "replicas"]) ?? .integer(1)
        let generation = object.value(at: ["metadata", "generation"]) ?? .integer(1)
        await store.mutate(reference, uid: uid) { deployment in
            deployment.set(["status", "observedGeneration"], generation)
            for field in ["replicas", "readyReplicas", "availableReplicas", "updatedReplicas"] {
                deployment.set(["status", field], replicas)
            }
        }
    }

    /// Sleeps; false when cancelled.
    private func pause(_ duration: Duration) async -> Bool {
        if duration > .zero { try? await Task.sleep(for: duration) }
        return !Task.isCancelled
    }
}
