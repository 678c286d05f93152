import ClusterModel
import Kubernetes
import Testing

@testable import Reconciler

/// Which brokers a rolling upgrade concerns, read from the pods, and the plan it lets through.
struct RollingRestartScopeTests {
    static let ready = PodStatus(phase: "Running", conditions: [PodCondition(type: "Ready", status: "True")])

    /// Brokers 0-3 running the pods of `before`, each Ready, then the spec changed to `after`.
    static func scene(
        _ change: (inout KafkaCluster) -> Void, adjust: (inout [Pod]) -> Void = { _ in }
    ) throws -> (scope: RollingRestartScope, steps: [ReconcileStep]) {
        let before = try ClusterFixtures.withBrokers([0, 1, 2, 3])
        var actual = ClusterFixtures.live(ClusterFixtures.render(before))
        var pods = actual.pods.map { pod in
            var pod = pod
            pod.status = ready
            return pod
        }
        adjust(&pods)
        actual.pods = pods
        var after = before
        change(&after)
        let desired = ClusterFixtures.render(after)
        let scope = RollingRestartScope(
            desired: desired, actual: actual, spec: after.spec, uid: ClusterFixtures.uid)
        let steps = ReconcilePlan.make(desired: desired, actual: actual, brokerStates: [:])
        return (scope, steps)
    }

    static func edit(broker: Int32, in pods: inout [Pod], _ body: (inout Pod) -> Void) {
        for index in pods.indices where pods[index].metadata.labels?["brokerId"] == String(broker) {
            body(&pods[index])
        }
    }

    static func podSteps(_ steps: [ReconcileStep]) -> [String] {
        steps.compactMap { step in
            switch step {
            case .create(let object) where object.resourceType == .pods: "create \(object.brokerID ?? -1)"
            case .delete(let target) where target.type == .pods: "delete \(target.brokerID ?? -1)"
            default: nil
            }
        }
    }

    @Test func anImageChangeMakesEveryRunningBrokerOutdatedAndLetsOnlyTheChosenOnesThrough() throws {
        let (scope, steps) = try Self.scene { $0.spec.clusterImage = "kafka:new" }
        #expect(scope.outdated == [0, 1, 2, 3])
        #expect(scope.unavailable.isEmpty, "each still serves from its old pod")
        #expect(Self.podSteps(scope.holding(steps, restarting: [2])) == ["delete 2", "create 2"])
        #expect(Self.podSteps(scope.holding(steps, restarting: [])).isEmpty)
        // Everything else (the ConfigMaps, Services) goes through.
        #expect(scope.holding(steps, restarting: []) == steps.filter { Self.podSteps([$0]).isEmpty })
    }

    @Test func aNewBrokerIsNotPartOfTheRoll() throws {
        let (scope, steps) = try Self.scene {
            $0.spec.brokers.append(Broker(id: 4, brokerConfigGroup: "default"))
        }
        #expect(scope.outdated.isEmpty)
        #expect(scope.unavailable == [4])
        #expect(Self.podSteps(scope.holding(steps, restarting: [])) == ["create 4"])
    }

    @Test func anEndedPodIsReplacedAtOnceAndItsBrokerCountsAsDown() throws {
        let (scope, steps) = try Self.scene(
            { $0.spec.clusterImage = "kafka:new" },
            adjust: { pods in Self.edit(broker: 1, in: &pods) { $0.status = PodStatus(phase: "Failed") } })
        #expect(scope.outdated == [0, 2, 3])
        #expect(scope.unavailable == [1])
        #expect(Self.podSteps(scope.holding(steps, restarting: [])) == ["delete 1", "create 1"])
    }

    @Test func aTerminatingOldPodMeansTheRestartIsUnderWay() throws {
        let (scope, _) = try Self.scene(
            { $0.spec.clusterImage = "kafka:new" },
            adjust: { pods in
                Self.edit(broker: 0, in: &pods) { $0.metadata.deletionTimestamp = "2026-12-01T00:00:01Z" }
            })
        #expect(scope.outdated == [1, 2, 3])
        #expect(scope.unavailable == [0])
    }

    @Test func racksComeFromEachBrokersReadOnlyConfig() throws {
        let (scope, _) = try Self.scene { cluster in
            cluster.spec.brokers[0].readOnlyConfig = "broker.rack=a\nnum.io.threads=8"
            cluster.spec.brokers[1].readOnlyConfig = "broker.rack=b"
            cluster.spec.brokers[2].readOnlyConfig = "broker.rack="
        }
        #expect(scope.racks == [0: "a", 1: "b"])
    }
}
