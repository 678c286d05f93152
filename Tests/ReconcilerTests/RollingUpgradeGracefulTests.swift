import ClusterModel
import Kubernetes
import Testing

@testable import Reconciler

/// A rolling upgrade and a Cruise Control task never run at once on one cluster: no broker
/// restarts while a task runs, and no task starts while brokers wait for a restart.
@Suite(.serialized) struct RollingUpgradeGracefulTests {
    static let newImage = "ghcr.io/banzaicloud/kafka:2.13-3.9.9-rolled"

    func podNames(_ harness: GracefulHarness) async throws -> Set<String> {
        Set(try await harness.api.names(.pods).filter { !$0.hasPrefix("kafka-cruisecontrol") })
    }

    @Test func aRunningTaskHoldsTheUpgradeUntilItIsFinished() async throws {
        try await GracefulHarness.run { harness in
            try await harness.settle()
            try await harness.upscale(3)
            try await harness.pass()
            #expect(try await harness.graceful(3)?.cruiseControlState == .upscaleRunning)
            let before = try await podNames(harness)
            try await harness.api.modify { $0.spec.clusterImage = Self.newImage }
            let held = try await harness.pass()
            #expect(held.rollingUpgrade == .wait(.gracefulTaskUnderWay))
            #expect(try await podNames(harness) == before, "no broker restarted while add_broker runs")
            #expect(try await harness.api.document().cluster.status?.state == .rollingUpgrading)
            // Once the task is done, the upgrade carries on by itself (brokers 0, 1 and 3; broker
            // 2's config group names its own image).
            let rolled = try await harness.passUntil(limit: 120) {
                let pods = try await harness.api.objects(.pods)
                return try await harness.api.document().cluster.status?.state == .running
                    && pods.allSatisfy { pod in
                        guard case .array(let containers)? = pod["spec"]?["containers"] else { return false }
                        // Broker 2's group names its own image.
                        return containers.first?["image"]?.text == Self.newImage
                            || pod["metadata"]?["name"]?.text?.hasPrefix("kafka-2-") == true
                    }
            }
            #expect(rolled)
            #expect(try await harness.graceful(3)?.cruiseControlState == .upscaleSucceeded)
            let reasons = try await harness.api.eventReasons()
            #expect(reasons.contains("RollingUpgradeResumed"))
        }
    }

    @Test func anUpgradeUnderWayHoldsNewTasks() async throws {
        try await GracefulHarness.run { harness in
            try await harness.settle()
            try await harness.api.modify { $0.spec.clusterImage = Self.newImage }
            let first = try await harness.pass()
            #expect(first.rollingUpgrade == .restart([0]))
            // A broker added meanwhile gets its pod at once, but its add_broker waits.
            try await harness.upscale(3)
            var sawUpgradeWithoutTask = false
            let done = try await harness.passUntil(limit: 120) {
                let status = try await harness.api.document().cluster.status
                let operations = try await harness.operations()
                if status?.state == .rollingUpgrading {
                    #expect(operations.isEmpty, "no task starts while the upgrade runs")
                    sawUpgradeWithoutTask = true
                }
                return status?.brokersState?["3"]?.gracefulActionState?.cruiseControlState
                    == .upscaleSucceeded
            }
            #expect(sawUpgradeWithoutTask)
            #expect(done, "add_broker ran once the upgrade was over")
        }
    }
}
