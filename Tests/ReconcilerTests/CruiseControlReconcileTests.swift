import ClusterModel
import Foundation
import JSON
import KafkaAdmin
import Kubernetes
import LocalKafka
import TestSupport
import Testing

@testable import Reconciler

/// Cruise Control through the local API server: created with the cluster, rolled when its
/// configuration changes, removed when the spec drops it; and its metrics topic created through
/// the operator's Kafka client against the simulated brokers, once they run.
@Suite struct CruiseControlReconcileTests {
    static let cruiseControlNames = [
        "configmaps/kafka-cc-jmx-exporter", "configmaps/kafka-cruisecontrol-config",
        "deployments/kafka-cruisecontrol", "services/kafka-cruisecontrol-svc",
    ]

    static func cruiseControlObjects(_ api: ReconcilerCluster) async throws -> [String] {
        try await api.everything().filter { $0.contains("-cruisecontrol") || $0.contains("-cc-") }.sorted()
    }

    static func deployment(_ api: ReconcilerCluster) async throws -> JSONValue? {
        try await api.objects(.deployments).first { $0["metadata"]?["name"]?.text == "kafka-cruisecontrol" }
    }

    @Test func createdUpdatedOnAChangeAndRemovedWithTheConfiguration() async throws {
        let api = try await ReconcilerCluster.start(cruiseControl: true)
        defer { Task { await api.stop() } }
        _ = try await api.reconcile()
        #expect(try await Self.cruiseControlObjects(api) == Self.cruiseControlNames)
        let created = try #require(try await Self.deployment(api))
        guard case .array(let owners)? = created["metadata"]?["ownerReferences"] else {
            Issue.record("the Deployment has no owner")
            return
        }
        #expect(owners.first?["kind"]?.text == "KafkaCluster" && owners.first?["controller"] == .bool(true))
        let hash = created["spec"]?["template"]?["metadata"]?["annotations"]?[
            ResourceConventions.configHashAnnotation]
        #expect(hash != nil)
        // The kubelet reports the rollout; a pass over an unchanged cluster writes nothing.
        let rolledOut = try await waitUntil(timeout: .seconds(10)) {
            try await Self.deployment(api)?["status"]?["readyReplicas"] == .number("1")
        }
        #expect(rolledOut)
        try await api.waitUntilSettled()
        _ = try await api.reconcile()
        let quiet = try await api.reconcile()
        #expect(quiet.steps.isEmpty && quiet.writes == 0, "\(quiet.steps)")

        try await api.modify { $0.spec.cruiseControlConfig?.config = "num.metric.fetchers=2\n" }
        let changed = try await api.reconcile()
        #expect(
            changed.steps.map(\.description) == [
                "update ConfigMap kafka-cruisecontrol-config", "update Deployment kafka-cruisecontrol",
            ])
        let properties = try await api.objects(.configMaps).first {
            $0["metadata"]?["name"]?.text == "kafka-cruisecontrol-config"
        }?["data"]?["cruisecontrol.properties"]?.text
        #expect(BrokerProperties.parse(properties)["num.metric.fetchers"] == "2")
        let rolled = try #require(try await Self.deployment(api))
        #expect(rolled["metadata"]?["generation"] == .number("2"))
        #expect(
            rolled["spec"]?["template"]?["metadata"]?["annotations"]?[
                ResourceConventions.configHashAnnotation]
                != hash)
        #expect(rolled["metadata"]?["uid"] == created["metadata"]?["uid"], "updated in place, not replaced")

        // The field goes from the stored object (a merge patch: a typed nil would keep it).
        _ = try await api.client.send(
            APIRequest(
                method: "PATCH",
                path: ResourceType.kafkaClusters.path(namespace: api.namespace, name: api.name),
                body: Array(#"{"spec":{"cruiseControlConfig":null}}"#.utf8),
                contentType: PatchType.merge.rawValue))
        _ = try await api.reconcile()
        #expect(try await Self.cruiseControlObjects(api).isEmpty)
        #expect(try await api.names(.configMaps).count == 3, "the brokers' ConfigMaps stay")
    }

    /// The loop watches Cruise Control's objects too (they carry the cluster label, not
    /// `app=kafka`): a deleted Deployment comes back without waiting for a resync.
    @Test func theLoopPutsBackADeletedDeploymentFromItsWatch() async throws {
        let cluster = try await ReconcilerCluster.start(cruiseControl: true)
        defer { Task { await cluster.stop() } }
        let harness = LoopHarness(cluster: cluster)
        try await harness.running(resync: .seconds(3600)) {
            #expect(await harness.waitUntilConverged())
            let before = try #require(try await Self.deployment(cluster)?["metadata"]?["uid"])
            try await cluster.client.delete(
                .deployments, namespace: cluster.namespace, name: "kafka-cruisecontrol",
                options: DeleteOptions())
            let back = try await waitUntil(timeout: .seconds(10)) {
                let uid = try await Self.deployment(cluster)?["metadata"]?["uid"]
                return uid != nil && uid != before
            }
            #expect(back)
        }
    }

    /// The Deployment kubectl lists is the one the reconciler made, rolled out by the kubelet.
    @Test(.enabled(if: Kubectl.path != nil, "kubectl 1.37 is not installed"))
    func kubectlShowsTheDeployment() async throws {
        let api = try await ReconcilerCluster.start(cruiseControl: true)
        defer { Task { await api.stop() } }
        _ = try await api.reconcile()
        let directory = try TemporaryDirectory(prefix: "kubectl")
        defer { directory.remove() }
        let kubeconfig = directory.file("kubeconfig").path
        try api.fixture.cluster.writeKubeconfig(to: kubeconfig)
        let shown = try await waitUntil(timeout: .seconds(10)) {
            let output = try await runOffPool(
                Kubectl.path ?? "kubectl",
                [
                    "--kubeconfig", kubeconfig, "--cache-dir", directory.file("cache").path, "get",
                    "deployments", "-n", "kafka", "-l", "app=cruisecontrol", "--no-headers",
                ],
                environment: ["HOME": directory.path])
            let fields = output.stdout.split(whereSeparator: \.isWhitespace)
            return fields.first == "kafka-cruisecontrol" && fields.dropFirst().first == "1/1"
        }
        #expect(shown)
    }

    // MARK: - The metrics topic

    actor Calls {
        private(set) var count = 0
        func add() { count += 1 }
    }

    /// A reconciler whose topic creator is the operator's Kafka client against `server`,
    /// counting its calls.
    static func reconciler(_ api: ReconcilerCluster, _ server: SimulatedBrokerServer, calls: Calls) throws
        -> ClusterReconciler
    {
        let client = try KafkaProtocolAdminClient(bootstrap: server.bootstrap)
        return api.reconciler(
            .init(createTopic: { _, topic in
                await calls.add()
                return try await client.createTopic(topic)
            }))
    }

    func topicStatus(_ api: ReconcilerCluster) async throws -> CruiseControlTopicStatus? {
        try await api.document().cluster.status?.cruiseControlTopicStatus
    }

    @Test func theMetricsTopicIsCreatedOnceTheBrokersRunAndThenLeftAlone() async throws {
        try await withSimulatedBrokers { server, simulation in
            let api = try await ReconcilerCluster.start(cruiseControl: true)
            defer { Task { await api.stop() } }
            let calls = Calls()
            let reconciler = try Self.reconciler(api, server, calls: calls)
            _ = try await reconciler.reconcile(namespace: api.namespace, name: api.name)
            #expect(await calls.count == 0, "no broker pod is Ready yet")
            #expect(try await topicStatus(api) == .notReady)

            try await api.waitUntilSettled()
            _ = try await reconciler.reconcile(namespace: api.namespace, name: api.name)
            #expect(await calls.count == 1)
            #expect(try await topicStatus(api) == .ready)
            let cluster = await simulation.snapshot()
            let partitions = cluster.partitions.filter { $0.key.topic == "__CruiseControlMetrics" }
            #expect(partitions.count == 12)
            #expect(partitions.values.allSatisfy { Set($0.replicas).count == 3 })
            #expect(try await api.eventReasons().filter { $0 == "CruiseControlTopicCreated" }.count == 1)

            let quiet = try await reconciler.reconcile(namespace: api.namespace, name: api.name)
            #expect(await calls.count == 1, "a topic known to exist is not asked for again")
            #expect(quiet.writes == 0)

            // Forgotten (a status written by someone else): asked again, found, nothing announced.
            _ = try await api.client.send(
                APIRequest(
                    method: "PATCH",
                    path: ResourceType.kafkaClusters.path(namespace: api.namespace, name: api.name),
                    body: Array(#"{"status":{"cruiseControlTopicStatus":null}}"#.utf8),
                    contentType: PatchType.merge.rawValue))
            _ = try await reconciler.reconcile(namespace: api.namespace, name: api.name)
            #expect(await calls.count == 2)
            #expect(try await topicStatus(api) == .ready)
            #expect(try await api.eventReasons().filter { $0 == "CruiseControlTopicCreated" }.count == 1)
        }
    }

    /// Kafka refuses a replication factor above the broker count: the status says so, one
    /// Warning per generation says why, and the pass does not come back for it on its own.
    @Test func aRefusedTopicIsReportedOnceAndNotRetriedInALoop() async throws {
        try await withSimulatedBrokers { server, simulation in
            let api = try await ReconcilerCluster.start(cruiseControl: true)
            defer { Task { await api.stop() } }
            try await api.modify {
                $0.spec.cruiseControlConfig?.topicConfig = TopicConfig(partitions: 3, replicationFactor: 5)
            }
            let calls = Calls()
            let reconciler = try Self.reconciler(api, server, calls: calls)
            _ = try await reconciler.reconcile(namespace: api.namespace, name: api.name)
            try await api.waitUntilSettled()
            _ = try await reconciler.reconcile(namespace: api.namespace, name: api.name)
            #expect(await calls.count == 1)
            #expect(try await topicStatus(api) == .notReady)
            let warnings = try await api.events().filter {
                $0["reason"]?.text == "CruiseControlTopicNotReady"
            }
            #expect(warnings.count == 1)
            #expect(warnings.first?["message"]?.text?.contains("__CruiseControlMetrics") == true)
            #expect(
                await simulation.snapshot().partitions.keys.contains { $0.topic == "__CruiseControlMetrics" }
                    == false)

            let again = try await reconciler.reconcile(namespace: api.namespace, name: api.name)
            #expect(await calls.count == 2)
            #expect(again.requeueAfter == nil, "a refusal waits for a change, not a timer")
            #expect(
                try await api.events().filter { $0["reason"]?.text == "CruiseControlTopicNotReady" }.count
                    == 1)
        }
    }

    @Test func anUnreachableKafkaIsTriedAgainSoon() async throws {
        try await withSimulatedBrokers { server, _ in
            let api = try await ReconcilerCluster.start(cruiseControl: true)
            defer { Task { await api.stop() } }
            let calls = Calls()
            let reconciler = try Self.reconciler(api, server, calls: calls)
            _ = try await reconciler.reconcile(namespace: api.namespace, name: api.name)
            try await api.waitUntilSettled()
            await server.stopAll()
            let result = try await reconciler.reconcile(namespace: api.namespace, name: api.name)
            #expect(await calls.count == 1)
            #expect(try await topicStatus(api) == .notReady)
            #expect(result.requeueAfter != nil)
        }
    }
}

/// The simulated brokers of the example cluster (0, 1 and 2, as `examples/kafkacluster.yaml`
/// names them) on loopback sockets, closed when `body` returns.
func withSimulatedBrokers<T>(
    _ body: (SimulatedBrokerServer, ClusterSimulation) async throws -> T
) async throws -> T {
    let cluster = try ExampleCluster.cluster(now: WallClock().nowMilliseconds())
    let simulation = ClusterSimulation(cluster: cluster, clock: WallClock())
    let server = SimulatedBrokerServer(kafka: SimulatedKafka(simulation: simulation))
    do {
        for id in cluster.brokerIDs { _ = try await server.start(broker: id) }
        let result = try await body(server, simulation)
        await server.stopAll()
        return result
    } catch {
        await server.stopAll()
        throw error
    }
}
