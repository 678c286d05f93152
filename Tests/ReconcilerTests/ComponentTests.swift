import ClusterModel
import Foundation
import Kubernetes
import TestSupport
import Testing

@testable import Reconciler

/// The components beside the brokers, shown by the disruption budget, the first component
/// added through the registry; and the kind registry the reconciler derives its reads from.
@Suite struct DisruptionBudgetComponentTests {
    static func cluster(brokers: [Int32], budget: DisruptionBudget?) throws -> KafkaCluster {
        var cluster = try ClusterFixtures.withBrokers(brokers)
        cluster.spec.disruptionBudget = budget
        return cluster
    }

    static func budget(_ desired: DesiredState) -> PodDisruptionBudget? {
        desired.clusterObjects.compactMap { $0.as(PodDisruptionBudget.self) }.first
    }

    /// (brokers, budget, minAvailable): every broker but the budget, at least one; a
    /// percentage rounds down, as Koperator's does.
    @Test(arguments: [
        (3, "1", 2), (3, "0", 3), (3, "5", 1), (1, "1", 1), (3, "34%", 2), (10, "25%", 8), (3, "100%", 1),
        (3, "0%", 3), (4, "50%", 2),
    ])
    func minAvailableFollowsBrokersAndBudget(brokers: Int, budget: String, minAvailable: Int32) throws {
        let cluster = try Self.cluster(
            brokers: (0..<brokers).map(Int32.init), budget: DisruptionBudget(create: true, budget: budget))
        let rendered = try #require(Self.budget(ClusterFixtures.render(cluster)))
        #expect(rendered.spec?.minAvailable == .int(minAvailable))
        #expect(rendered.name == "kafka-pdb")
        #expect(rendered.spec?.selector?.matchLabels == ["app": "kafka", "kafka_cr": "kafka"])
        #expect(rendered.metadata.ownerReferences?.first?.uid == ClusterFixtures.uid)
        #expect(rendered.metadata.annotations?[ResourceConventions.specHashAnnotation] != nil)
    }

    @Test func withoutCreateThereIsNoBudget() throws {
        for budget in [nil, DisruptionBudget(create: false, budget: "1"), DisruptionBudget(budget: "1")] {
            let cluster = try Self.cluster(brokers: [0, 1, 2], budget: budget)
            #expect(Self.budget(ClusterFixtures.render(cluster)) == nil)
        }
    }

    @Test(arguments: ["-1", "1.5", "x", "101%", "-5%", "nan%", "", "1 ", "%"])
    func aBudgetThatIsNeitherACountNorAPercentageIsRefused(budget: String) throws {
        let cluster = try Self.cluster(
            brokers: [0, 1], budget: DisruptionBudget(create: true, budget: budget))
        let problems = ClusterValidator.problems(in: cluster)
        #expect(problems.map(\.path) == ["spec.disruptionBudget.budget"])
        #expect(Self.budget(ClusterFixtures.render(cluster)) == nil)
    }

    @Test func scalingUpdatesTheBudgetAndSwitchingItOffDeletesIt() throws {
        let three = try Self.cluster(brokers: [0, 1, 2], budget: DisruptionBudget(create: true, budget: "1"))
        let live = ClusterFixtures.live(ClusterFixtures.render(three))
        #expect(
            ReconcilePlan.make(desired: ClusterFixtures.render(three), actual: live, brokerStates: [:])
                .isEmpty)

        var four = three
        four.spec.brokers.append(Broker(id: 3, brokerConfigGroup: "default"))
        let grown = ReconcilePlan.make(desired: ClusterFixtures.render(four), actual: live, brokerStates: [:])
        let updated = grown.compactMap { step -> PodDisruptionBudget? in
            if case .update(let object) = step { return object.as(PodDisruptionBudget.self) }
            return nil
        }
        #expect(updated.map(\.spec?.minAvailable) == [.int(3)])
        // The update carries the live object's identity, so the server accepts it.
        #expect(updated.first?.metadata.resourceVersion != nil)

        var off = three
        off.spec.disruptionBudget?.create = false
        let steps = ReconcilePlan.make(desired: ClusterFixtures.render(off), actual: live, brokerStates: [:])
        #expect(steps.map(\.description) == ["delete PodDisruptionBudget kafka-pdb"])
    }

    @Test func aHandEditedBudgetIsPutBack() throws {
        let cluster = try Self.cluster(
            brokers: [0, 1, 2], budget: DisruptionBudget(create: true, budget: "1"))
        let desired = ClusterFixtures.render(cluster)
        var actual = ClusterFixtures.live(desired)
        var budgets = actual[PodDisruptionBudget.self]
        budgets[0].spec?.minAvailable = .int(0)
        actual[PodDisruptionBudget.self] = budgets
        let steps = ReconcilePlan.make(desired: desired, actual: actual, brokerStates: [:])
        #expect(steps.map(\.description) == ["update PodDisruptionBudget kafka-pdb"])
    }

    /// Through the local API server: the budget is created once, owned and labelled, and a
    /// pass with nothing changed writes nothing.
    @Test func theReconcilerCreatesTheBudgetOnce() async throws {
        let api = try await ReconcilerCluster.start()
        defer { Task { await api.stop() } }
        _ = try await api.reconcile()
        let budgets = try await api.objects(.podDisruptionBudgets)
        #expect(budgets.count == 1)
        #expect(budgets.first?["metadata"]?["name"]?.text == "kafka-pdb")
        #expect(budgets.first?["spec"]?["minAvailable"] == .number("2"))
        try await api.waitUntilSettled()
        #expect(try await api.reconcile().steps.isEmpty)
        #expect(try await api.reconcile().writes == 0)
        #expect(try await api.objects(.podDisruptionBudgets).count == 1)
    }
}

@Suite struct ManagedKindsTests {
    /// One list per kind in the registry, each answered by the local API server, so a kind it
    /// does not serve fails here first; the example with Cruise Control has an object of each.
    /// (RBACTests shows deploy/rbac.yaml grants them.)
    @Test func observationListsEveryKindOnce() async throws {
        let fixture = try await ReconcilerCluster.start(cruiseControl: true)
        defer { Task { await fixture.stop() } }
        _ = try await fixture.reconcile()
        _ = fixture.api.reset()
        let actual = try await fixture.reconciler().observe(
            namespace: fixture.namespace, cluster: fixture.name)
        #expect(fixture.api.counts.requests == ManagedKinds.all.count)
        #expect(Set(actual.objects.map(\.resourceType)) == Set(ManagedKinds.all.map { $0.resourceType }))
    }
}

/// A spec asking for what the operator cannot render yet is refused, not rendered broken: a
/// Warning Event once per generation, the fields named in `status.unsupported`, and no broker
/// pod until the spec is changed.
@Suite struct RefusedFeatureTests {
    @Test func rackAwarenessHoldsThePodsUntilItIsTakenOut() async throws {
        let api = try await ReconcilerCluster.start(brokers: [0, 1])
        defer { Task { await api.stop() } }
        try await api.modify { $0.spec.rackAwareness = .object([("labels", .array([.string("zone")]))]) }
        let first = try await api.reconcile()
        #expect(try await api.objects(.pods).isEmpty)
        #expect(try await api.objects(.configMaps).count == 2, "what is not a pod is still kept as rendered")
        let status = try #require(try await api.document().cluster.status)
        #expect(status.unsupported?.count == 1)
        #expect(status.unsupported?.first?.hasPrefix("spec.rackAwareness") == true)
        #expect(status.state == .reconciling)
        #expect(try await api.eventReasons().filter { $0 == "UnsupportedFeature" }.count == 1)
        #expect(first.steps.allSatisfy { $0.description.contains("Pod") == false })

        // Another pass over the same spec: the same single Warning.
        _ = try await api.reconcile()
        #expect(try await api.eventReasons().filter { $0 == "UnsupportedFeature" }.count == 1)

        try await api.modify { $0.spec.rackAwareness = .null }
        _ = try await api.reconcile()
        #expect(try await api.objects(.pods).count == 2)
        #expect(try await api.document().cluster.status?.unsupported == nil)
    }
}

/// Brokers run under `restartPolicy: Never`, as Koperator renders them: a crashed broker's pod
/// ends `Failed` and the reconciler replaces it, so a broker always starts from its rendered
/// configuration.
@Suite struct CrashedBrokerTests {
    @Test func anEndedPodIsDeletedThenCreatedAgain() throws {
        let desired = ClusterFixtures.render(try ClusterFixtures.withBrokers([0, 1]))
        var actual = ClusterFixtures.live(desired)
        var pods = actual.pods
        let crashed = try #require(pods.firstIndex { $0.metadata.labels?["brokerId"] == "1" })
        pods[crashed].status = PodStatus(phase: "Failed")
        actual.pods = pods
        let steps = ReconcilePlan.make(desired: desired, actual: actual, brokerStates: [:])
        #expect(steps == [.delete(OwnedObject(pods[crashed]).deletionTarget)])
        actual.apply(steps)
        #expect(
            ReconcilePlan.make(desired: desired, actual: actual, brokerStates: [:]).map(\.description)
                == ["create Pod \(pods[crashed].name)"])
        // While its deletion is under way, nothing more.
        var terminating = ClusterFixtures.live(desired)
        var ending = terminating.pods
        ending[crashed].status = PodStatus(phase: "Failed")
        ending[crashed].metadata.deletionTimestamp = "2026-12-01T00:00:10Z"
        terminating.pods = ending
        #expect(ReconcilePlan.make(desired: desired, actual: terminating, brokerStates: [:]).isEmpty)
    }

    /// Through the local cluster, whose kubelet follows the restart policy.
    @Test func aCrashedBrokerIsReplacedAndTheClusterRunsAgain() async throws {
        let api = try await ReconcilerCluster.start(brokers: [0, 1])
        defer { Task { await api.stop() } }
        _ = try await api.reconcile()
        try await api.waitUntilSettled()
        _ = try await api.reconcile()
        let one = try #require(try await api.rendered().broker(1)?.pod.name)
        let before = try #require(
            try await api.objects(.pods).first { $0["metadata"]?["name"]?.text == one }?["metadata"]?["uid"])

        #expect(await api.faults.crashContainers(podNamePrefix: one) == 1)
        let failed = try await api.objects(.pods).first { $0["metadata"]?["name"]?.text == one }
        #expect(failed?["status"]?["phase"]?.text == "Failed")

        let replaced = try await waitUntil(timeout: .seconds(10)) {
            _ = try await api.reconcile()
            let pod = try await api.objects(.pods).first { $0["metadata"]?["name"]?.text == one }
            return pod?["metadata"]?["uid"] != before && pod.map(ReconcilerCluster.isReady) == true
        }
        #expect(replaced)
        _ = try await api.reconcile()
        #expect(try await api.document().cluster.status?.state == .running)
    }
}
