import ClusterModel
import JSON
import KafkaAdmin
import Kubernetes
import LocalKafka
import TestSupport

@testable import Reconciler

/// A KafkaCluster of six brokers over three racks (`broker.rack` a, b, c: broker id mod 3) in a
/// local cluster, and the simulated Kafka cluster its pods run: a `PodFollower` fed the pods
/// and ConfigMaps after every step stops a broker when its pod goes and starts it (on its old
/// port) when its new pod is Ready, as local mode's follower does. The reconciler reads Kafka
/// through the production admin client; simulated time moves only when the harness says.
struct RollingHarness {
    let api: ReconcilerCluster
    let clock: ManualClock
    let simulation: ClusterSimulation
    let brokers: SimulatedBrokerServer
    let kafka: KafkaProtocolAdminClient
    let following: Following
    let metrics: RollingUpgradeMetrics
    /// Brokers whose pods the kubelet never makes Ready.
    let neverReady: Set<Int32>

    static let brokerIDs: [Int32] = [0, 1, 2, 3, 4, 5]
    static func rack(_ id: Int32) -> String { ["a", "b", "c"][Int(id % 3)] }

    /// One replica per rack for every partition (rack-aware placement), leaders spread.
    static func topics(into cluster: inout SimulatedCluster) throws(SimulatedClusterError) {
        let byRack: [[Int32]] = [[0, 3], [1, 4], [2, 5]]
        let assignment: [[Int32]] = (0..<12).map { index in
            let replicas = [byRack[0][index % 2], byRack[1][(index / 2) % 2], byRack[2][(index / 4) % 2]]
            let shift = index % 3
            return Array(replicas[shift...] + replicas[..<shift])
        }
        try cluster.createTopic(
            "orders", assignment: assignment, sizeBytes: 64 << 20, bytesInPerSecond: 10_000,
            minInSyncReplicas: 2)
    }

    static func run<T>(
        concurrentPerRack: Int = 1, failureThreshold: Int = 1, neverReady: Set<Int32> = [],
        _ body: (RollingHarness) async throws -> T
    ) async throws -> T {
        let clock = ManualClock(UTCTimestamp.nowMilliseconds())
        var cluster = SimulatedCluster(now: clock.nowMilliseconds())
        for id in brokerIDs {
            try cluster.addBroker(
                SimulatedBroker(id: id, host: "kafka-\(id)", rack: rack(id), logDirs: ["/kafka-logs/kafka"]))
        }
        try topics(into: &cluster)
        let simulation = ClusterSimulation(cluster: cluster, clock: clock)
        let brokers = SimulatedBrokerServer(kafka: SimulatedKafka(simulation: simulation))
        let api = try await ReconcilerCluster.start(brokers: brokerIDs)
        do {
            try await api.modify { cluster in
                for index in cluster.spec.brokers.indices {
                    cluster.spec.brokers[index].readOnlyConfig =
                        "broker.rack=\(rack(cluster.spec.brokers[index].id))"
                }
                cluster.spec.rollingUpgradeConfig = RollingUpgradeConfig(
                    failureThreshold: failureThreshold, concurrentBrokerRestartCountPerRack: concurrentPerRack
                )
            }
            for id in neverReady { api.faults.neverReady(podLabel: "brokerId", value: String(id)) }
            // Every broker listens from the start, each on a port it keeps across restarts.
            var ports: [Int32: UInt16] = [:]
            for id in brokerIDs { ports[id] = try await brokers.start(broker: id) }
            let harness = RollingHarness(
                api: api, clock: clock, simulation: simulation, brokers: brokers,
                kafka: try KafkaProtocolAdminClient(bootstrap: brokers.bootstrap),
                following: Following(cluster: api.name, namespace: api.namespace, ports: ports),
                metrics: RollingUpgradeMetrics(), neverReady: neverReady)
            let result = try await body(harness)
            await brokers.stopAll()
            await api.stop()
            return result
        } catch {
            await brokers.stopAll()
            await api.stop()
            throw error
        }
    }

    /// The operator's reconciler, reaching Kafka as `serve` does.
    func reconciler() -> ClusterReconciler {
        let clock = clock
        return api.reconciler(
            .init(
                now: { clock.nowMilliseconds() }, clusterHealth: clusterHealthReader(kafka: kafka),
                rollingUpgradePauseLimit: .seconds(60), rollingUpgradeMetrics: metrics))
    }

    /// One pass, repeated at once while it asks for a prompt requeue (a conflict).
    @discardableResult
    func pass(_ reconciler: ClusterReconciler? = nil) async throws -> ReconcileResult {
        let reconciler = reconciler ?? self.reconciler()
        var result = try await reconciler.reconcile(namespace: api.namespace, name: api.name)
        for _ in 0..<5 where result.requeueAfter == .zero {
            result = try await reconciler.reconcile(namespace: api.namespace, name: api.name)
        }
        return result
    }

    /// Feeds the pods and ConfigMaps as they are now to the follower.
    @discardableResult
    func follow() async throws -> [PodFollower.Change] {
        let pods = try await api.objects(.pods)
        let configMaps = try await api.objects(.configMaps)
        return try await following.sync(
            pods: pods, configMaps: configMaps, simulation: simulation, brokers: brokers)
    }

    /// Every pod Ready, or Running where the kubelet was told never to make it Ready, and none
    /// terminating: the kubelet has done what it will do.
    func kubeletIsDone() async throws -> Bool {
        let pods = try await api.objects(.pods)
        return pods.allSatisfy { pod in
            guard pod["metadata"]?["deletionTimestamp"] == nil else { return false }
            if ReconcilerCluster.isReady(pod) { return true }
            let broker = pod["metadata"]?["labels"]?["brokerId"]?.text.flatMap { Int32($0) }
            return broker.map(neverReady.contains) == true && pod["status"]?["phase"]?.text == "Running"
        }
    }

    /// A step of the operator's life: `milliseconds` of simulated time, a pass, the follower
    /// told at once (a deleted pod stops its broker), the kubelet let finish, the follower told
    /// again (a Ready pod starts its broker). `sample` runs after each telling.
    @discardableResult
    func step(
        milliseconds: Int64 = 2_000, reconciler: ClusterReconciler? = nil,
        sample: (RollingHarness) async throws -> Void = { _ in }
    ) async throws -> ReconcileResult {
        clock.advance(milliseconds: milliseconds)
        let result = try await pass(reconciler)
        try await follow()
        try await sample(self)
        guard try await waitUntil(timeout: .seconds(10), { try await kubeletIsDone() }) else {
            throw HarnessError.kubeletStuck
        }
        try await follow()
        try await sample(self)
        return result
    }

    /// The cluster created and every broker running its first pod.
    func settle() async throws {
        try await step()
        try await step()
    }

    /// Changes `clusterImage`, which every broker pod's hash covers.
    func changeImage(to image: String) async throws {
        try await api.modify { $0.spec.clusterImage = image }
    }

    /// Each broker's pod names, by broker, as the API lists them now.
    func podNames() async throws -> [Int32: [String]] {
        var names: [Int32: [String]] = [:]
        for pod in try await api.objects(.pods) {
            guard let id = pod["metadata"]?["labels"]?["brokerId"]?.text.flatMap({ Int32($0) }),
                let name = pod["metadata"]?["name"]?.text
            else { continue }
            names[id, default: []].append(name)
        }
        return names
    }

    func status() async throws -> KafkaClusterStatus? { try await api.document().cluster.status }

    enum HarnessError: Error { case kubeletStuck }
}

/// The pod follower and the brokers' sockets, kept in step with the pods.
actor Following {
    private var follower: PodFollower
    private var known: Set<String> = []
    private let ports: [Int32: UInt16]
    /// Every change made so far, in order.
    private(set) var changes: [PodFollower.Change] = []

    init(cluster: String, namespace: String, ports: [Int32: UInt16]) {
        follower = PodFollower(cluster: cluster, namespace: namespace)
        self.ports = ports
    }

    func sync(
        pods: [JSONValue], configMaps: [JSONValue], simulation: ClusterSimulation,
        brokers: SimulatedBrokerServer
    ) async throws -> [PodFollower.Change] {
        var made: [PodFollower.Change] = []
        for map in configMaps { _ = follower.apply(.init(resource: .configMap, object: map)) }
        var seen: Set<String> = []
        var events: [PodFollower.Event] = []
        for pod in pods {
            guard let name = pod["metadata"]?["name"]?.text else { continue }
            seen.insert(name)
            events.append(.init(resource: .pod, object: pod))
        }
        for name in known.subtracting(seen).sorted() {
            events.append(
                .init(
                    resource: .pod, deleted: true,
                    object: .object([
                        (
                            "metadata",
                            .object([("name", .string(name)), ("namespace", .string(follower.namespace))])
                        )
                    ])))
        }
        known = seen
        for event in events {
            for change in follower.apply(event) {
                guard case .refused = change else {
                    try await simulation.update { (cluster) throws(SimulatedClusterError) in
                        try PodFollower.apply(change, to: &cluster)
                    }
                    switch change {
                    case .start(let config) where brokers.port(of: config.brokerID) == nil:
                        _ = try await brokers.start(
                            broker: config.brokerID, port: ports[config.brokerID] ?? 0)
                    case .start:
                        break
                    case .stop(let id):
                        await brokers.stop(broker: id)
                    case .refused: break
                    }
                    made.append(change)
                    continue
                }
                made.append(change)
            }
        }
        changes += made
        return made
    }

    func history() -> [PodFollower.Change] { changes }
}
