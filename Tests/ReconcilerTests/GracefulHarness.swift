import ClusterModel
import CruiseControl
import HTTPServer
import JSON
import KafkaAdmin
import Kubernetes
import LocalKafka
import Logging
import TestSupport
import Testing

@testable import Reconciler

/// The example KafkaCluster with Cruise Control in a local cluster, beside the simulated Kafka
/// cluster of its brokers (Kafka protocol on loopback) and the simulated Cruise Control (REST on
/// loopback), all on one clock the test moves: the reconciler reaches them with the production
/// clients, and simulated time passes only when the test says so.
struct GracefulHarness {
    let api: ReconcilerCluster
    let clock: ManualClock
    let simulation: ClusterSimulation
    let simulator: CruiseControlSimulator
    let cruiseControl: CruiseControlRESTClient
    let kafka: KafkaProtocolAdminClient
    let brokers: SimulatedBrokerServer
    let metrics: GracefulMetrics

    /// Runs `body` with a harness whose cluster has Cruise Control when `cruiseControl`.
    static func run<T>(
        cruiseControl withCruiseControl: Bool = true, _ body: (GracefulHarness) async throws -> T
    )
        async throws -> T
    {
        let clock = ManualClock(UTCTimestamp.nowMilliseconds())
        let simulation = ClusterSimulation(
            cluster: try ExampleCluster.cluster(now: clock.nowMilliseconds()), clock: clock)
        let simulator = CruiseControlSimulator(
            simulation: simulation, clock: clock, configuration: .init(proposalComputationMilliseconds: 0))
        let server = HTTPServer(
            configuration: HTTPServerConfiguration(listeners: [HTTPListener(host: "127.0.0.1", port: 0)]),
            router: simulator.routes(), logger: ReconcilerCluster.quiet)
        let serving = Task { try await server.run() }
        let brokers = SimulatedBrokerServer(kafka: SimulatedKafka(simulation: simulation))
        let api = try await ReconcilerCluster.start(cruiseControl: withCruiseControl)
        func cleanUp() async {
            serving.cancel()
            _ = try? await serving.value
            await brokers.stopAll()
            await api.stop()
        }
        do {
            let port = try await server.boundAddresses()[0].port
            for id in await simulation.snapshot().brokerIDs { _ = try await brokers.start(broker: id) }
            let harness = GracefulHarness(
                api: api, clock: clock, simulation: simulation, simulator: simulator,
                cruiseControl: try CruiseControlRESTClient(
                    configuration: .init(
                        url: "http://127.0.0.1:\(port)", retryPolicy: .never,
                        pollInterval: .milliseconds(10), maximumPollInterval: .milliseconds(10)),
                    logger: ReconcilerCluster.quiet),
                kafka: try KafkaProtocolAdminClient(bootstrap: brokers.bootstrap), brokers: brokers,
                metrics: GracefulMetrics())
            let result = try await body(harness)
            await cleanUp()
            return result
        } catch {
            await cleanUp()
            throw error
        }
    }

    /// The operator's reconciler, reaching Cruise Control and Kafka as `serve` does.
    func reconciler() -> ClusterReconciler {
        let client = cruiseControl
        let clock = clock
        return api.reconciler(
            .init(
                cruiseControl: { _ in client }, replicaCounts: replicaCounter(kafka: kafka),
                logDirReplicas: logDirReplicaCounter(kafka: kafka),
                polling: PollingInterval(minimum: .milliseconds(10), maximum: .milliseconds(10)),
                now: { clock.nowMilliseconds() }, metrics: metrics))
    }

    /// One pass, repeated at once while it asks for a prompt requeue (a conflict), as the
    /// reconcile loop does.
    @discardableResult
    func pass() async throws -> ReconcileResult {
        var result = try await reconciler().reconcile(namespace: api.namespace, name: api.name)
        for _ in 0..<5 where result.requeueAfter == .zero {
            result = try await reconciler().reconcile(namespace: api.namespace, name: api.name)
        }
        return result
    }

    /// The cluster created, every pod Ready, and the cluster Running.
    func settle() async throws {
        try await pass()
        try await api.waitUntilSettled()
        try await pass()
    }

    /// Adds broker `id` to the spec, as an upScale does, and to the simulated cluster once its
    /// pod runs (local mode's pod follower does the same).
    func upscale(_ id: Int32) async throws {
        try await api.modify { $0.spec.brokers.append(Broker(id: id, brokerConfigGroup: "default")) }
        try await pass()
        try await api.waitUntilSettled()
        try await simulation.update { (cluster) throws(SimulatedClusterError) in
            try cluster.addBroker(
                SimulatedBroker(id: id, host: "kafka-\(id)", logDirs: ["/kafka-logs/kafka"]))
        }
        _ = try await brokers.start(broker: id)
    }

    /// Adds broker `id` and runs passes until its add_broker task succeeded.
    func grown(to id: Int32) async throws {
        try await upscale(id)
        let added = try await passUntil { try await graceful(id)?.cruiseControlState == .upscaleSucceeded }
        guard added else { throw HarnessError.notReached("broker \(id)'s add_broker did not succeed") }
        try await api.waitUntilSettled()
    }

    enum HarnessError: Error { case notReached(String) }

    /// Adds a disk at `mountPath` to broker `id`'s own storage, as addPvc does (marking it for a
    /// disk rebalance when the cluster has Cruise Control).
    func addDisk(_ mountPath: String, to id: Int32) async throws {
        try await api.modify { cluster in
            guard let index = cluster.spec.brokers.firstIndex(where: { $0.id == id }) else { return }
            var config = cluster.spec.brokers[index].brokerConfig ?? BrokerConfig()
            config.storageConfigs =
                (config.storageConfigs ?? []) + [
                    StorageConfig(
                        mountPath: mountPath,
                        pvcSpec: PersistentVolumeClaimSpec(
                            accessModes: ["ReadWriteOnce"], storageClassName: "standard", storage: "10Gi"))
                ]
            cluster.spec.brokers[index].brokerConfig = config
            cluster.markDiskRebalanceRequired(broker: id, mountPath: mountPath)
        }
    }

    /// Takes the disk at `mountPath` out of broker `id`'s own storage, as a person editing the
    /// spec does.
    func removeDisk(_ mountPath: String, from id: Int32) async throws {
        try await api.modify { cluster in
            guard let index = cluster.spec.brokers.firstIndex(where: { $0.id == id }) else { return }
            cluster.spec.brokers[index].brokerConfig?.storageConfigs?.removeAll { $0.mountPath == mountPath }
        }
    }

    /// Restarts simulated broker `id` with the log directories its ConfigMap names, as local
    /// mode's pod follower does when the broker's new pod starts. Throws when a dropped directory
    /// still holds replicas.
    func restartWithRenderedLogDirs(_ id: Int32) async throws {
        let configMap = try await api.objects(.configMaps).first {
            $0["metadata"]?["name"]?.text == "kafka-config-\(id)"
        }
        let text = configMap?["data"]?["broker-config"]?.text ?? ""
        let line = text.split(separator: "\n").first { $0.hasPrefix("log.dirs=") } ?? ""
        let dirs = line.dropFirst("log.dirs=".count).split(separator: ",").map(String.init)
        try await simulation.update { (cluster) throws(SimulatedClusterError) in
            try cluster.configureBroker(id, host: "kafka-\(id)", logDirs: dirs)
        }
    }

    /// Adds a disk to broker `id` and takes it through its restart and its rebalance to
    /// `GracefulDiskRebalanceSucceeded`, as the start of a disk removal story; whether it got
    /// there.
    @discardableResult
    func addRebalancedDisk(_ mountPath: String, to id: Int32) async throws -> Bool {
        try await addDisk(mountPath, to: id)
        try await pass()
        try await api.waitUntilSettled()
        try await restartWithRenderedLogDirs(id)
        return try await passUntil {
            try await graceful(id)?.volumeState(mountPath) == .diskRebalanceSucceeded
        }
    }

    /// Sends `request` to the simulated Cruise Control (as a person would) and moves simulated
    /// time until its task completed.
    func runToCompletion(_ request: CruiseControlRequest) async throws {
        let answer: CruiseControlTaskAnswer<OptimizationResult> = try await cruiseControl.submit(
            request, userTaskID: nil, waitingUpTo: .zero)
        let id = try #require(answer.userTaskID)
        for _ in 0..<200 where try await cruiseControl.userTask(id)?.status != .completed {
            clock.advance(milliseconds: 5_000)
        }
        guard try await cruiseControl.userTask(id)?.status == .completed else {
            throw HarnessError.notReached("\(request.call) did not complete")
        }
    }

    /// The claims broker `id`'s live pods mount.
    func mountedClaims(of id: Int32) async throws -> Set<String> {
        let pods = try await api.client.list(Pod.self, namespace: api.namespace).items.filter {
            $0.metadata.labels?["brokerId"] == String(id) && $0.metadata.deletionTimestamp == nil
        }
        return Set(
            pods.flatMap { ($0.spec?.volumes ?? []).compactMap { $0.persistentVolumeClaim?.claimName } })
    }

    /// The names of broker `id`'s pods.
    func podNames(of id: Int32) async throws -> [String] {
        try await api.list(.pods, labels: "brokerId=\(id)").items.compactMap { $0["metadata"]?["name"]?.text }
    }

    /// The claim of broker `id`'s disk at `mountPath`, if it exists.
    func claim(of id: Int32, mountPath: String) async throws -> String? {
        try await api.client.list(PersistentVolumeClaim.self, namespace: api.namespace).items.first {
            $0.metadata.labels?["brokerId"] == String(id)
                && $0.metadata.annotations?[ResourceConventions.mountPathAnnotation] == mountPath
        }?.name
    }

    /// How many replicas of broker `id` live in the log directory of the disk at `mountPath`.
    func replicas(on id: Int32, mountPath: String) async -> Int {
        let dir = ServerProperties.logDir(mountPath: mountPath)
        return await simulation.snapshot().partitions.values.filter { $0.logDirs[id] == dir }.count
    }

    func operations() async throws -> [CruiseControlOperation] {
        try await api.client.list(CruiseControlOperation.self, namespace: api.namespace).items.sorted {
            ($0.metadata.creationTimestamp ?? "", $0.name) < ($1.metadata.creationTimestamp ?? "", $1.name)
        }
    }

    func graceful(_ broker: Int32) async throws -> GracefulActionState? {
        try await api.document().cluster.status?.brokersState?[String(broker)]?.gracefulActionState
    }

    func replicas(on broker: Int32) async -> Int { await simulation.snapshot().replicaCount(of: broker) }

    func offlinePartitions() async -> Int { await simulation.snapshot().offlinePartitions.count }

    /// Whether any object of broker `id` (pod, ConfigMap, Service, claims) is left.
    func hasObjects(of broker: Int32) async throws -> Bool {
        for type in [ResourceType.pods, .configMaps, .services, .persistentVolumeClaims] {
            let items = try await api.list(type, labels: "brokerId=\(broker)").items
            if !items.isEmpty { return true }
        }
        return false
    }

    /// Passes until nothing of broker `id` is left; false when it outlived them.
    func passUntilGone(_ id: Int32) async throws -> Bool {
        try await passUntil {
            let left = try await hasObjects(of: id)
            return !left
        }
    }

    /// Passes, each after `step` of simulated time, until `done` holds; checks `invariant`
    /// after every pass. False when `limit` passes were not enough.
    func passUntil(
        limit: Int = 60, step: Int64 = 5_000, invariant: () async throws -> Void = {},
        _ done: () async throws -> Bool
    ) async throws -> Bool {
        for _ in 0..<limit {
            clock.advance(milliseconds: step)
            try await pass()
            try await invariant()
            if try await done() { return true }
            try await api.waitUntilSettled()
        }
        return false
    }
}
