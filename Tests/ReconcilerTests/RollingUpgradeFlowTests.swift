import ClusterModel
import Foundation
import JSON
import KafkaAdmin
import Kubernetes
import LocalKafka
import TestSupport
import Testing

@testable import Reconciler

/// Rolling upgrades of six brokers over three racks, against the local cluster and the simulated
/// Kafka cluster following its pods, sampled through the production admin client.
@Suite(.serialized) struct RollingUpgradeFlowTests {
    static let newImage = "ghcr.io/banzaicloud/kafka:2.13-3.9.9-rolled"

    /// What the samples of Metadata saw while the upgrade ran.
    actor Watch {
        var mostDown = 0
        var offline = 0
        var downRacks: [Set<String>] = []
        /// Every pod name each broker had.
        var pods: [Int32: Set<String>] = [:]

        func sample(_ harness: RollingHarness) async throws {
            let report = try await harness.kafka.healthReport(expectedBrokers: RollingHarness.brokerIDs)
            mostDown = max(mostDown, report.missingBrokers.count)
            offline += report.offlinePartitions.count
            downRacks.append(Set(report.missingBrokers.map(RollingHarness.rack)))
            for (id, names) in try await harness.podNames() { pods[id, default: []].formUnion(names) }
        }
    }

    /// Steps until the cluster is Running again with every broker rolled, recording each batch
    /// and the controller Metadata named just before it; nil when `limit` steps were not enough.
    static func roll(
        _ harness: RollingHarness, watch: Watch, limit: Int = 80
    ) async throws -> [(batch: [Int32], controller: Int32)] {
        var batches: [(batch: [Int32], controller: Int32)] = []
        for _ in 0..<limit {
            let controller = try await harness.kafka.metadata(topics: []).controllerId
            let result = try await harness.step { try await watch.sample($0) }
            if case .restart(let batch)? = result.rollingUpgrade { batches.append((batch, controller)) }
            if batches.flatMap(\.batch).count == RollingHarness.brokerIDs.count,
                try await harness.status()?.state == .running
            {
                break
            }
        }
        return batches
    }

    @Test func anImageChangeRollsOneBrokerAtATimeTheControllerLastAndNothingGoesOffline() async throws {
        try await RollingHarness.run { harness in
            try await harness.settle()
            #expect(try await harness.status()?.state == .running)
            let before = try await harness.podNames()
            let watch = Watch()
            try await watch.sample(harness)
            try await harness.changeImage(to: Self.newImage)
            let batches = try await Self.roll(harness, watch: watch)
            for batch in batches {
                #expect(batch.batch.count == 1)
                // The controller goes only when it is the last broker left.
                if batch.batch.contains(batch.controller) {
                    #expect(batch.batch == batches.last?.batch)
                }
            }
            #expect(batches.flatMap(\.batch).sorted() == RollingHarness.brokerIDs)
            #expect(batches.last?.batch == [0], "broker 0, the lowest id, is the controller")
            #expect(await watch.mostDown == 1, "one broker down at a time, and one did go down")
            #expect(await watch.offline == 0)
            // Each broker was replaced exactly once: its old pod and its new one.
            let pods = await watch.pods
            for id in RollingHarness.brokerIDs {
                #expect(pods[id]?.count == 2, "broker \(id): \(pods[id] ?? [])")
                #expect(pods[id]?.isSuperset(of: before[id] ?? []) == true)
            }
            let status = try #require(try await harness.status())
            #expect(status.state == .running)
            #expect(status.rollingUpgradeStatus?.lastSuccess != nil)
            #expect(status.rollingUpgradeStatus?.errorCount == 0)
            #expect(status.rollingUpgradeStatus?.restarting == nil)
            #expect(status.rollingUpgradeStatus?.pauseReason == nil)
            let reasons = try await harness.api.eventReasons()
            #expect(reasons.filter { $0 == "RollingUpgradeStarted" }.count == 1)
            #expect(reasons.filter { $0 == "RollingUpgradeBrokerRestart" }.count == 6)
            #expect(reasons.filter { $0 == "RollingUpgradeFinished" }.count == 1)
            #expect(!reasons.contains("RollingUpgradePaused"), "waiting for a restarted broker is no pause")
            for pod in try await harness.api.objects(.pods) {
                guard case .array(let containers)? = pod["spec"]?["containers"] else {
                    Issue.record("a pod without containers")
                    continue
                }
                #expect(containers.first?["image"]?.text == Self.newImage)
            }
        }
    }

    @Test func theStateSaysClusterRollingUpgradingWhileItRuns() async throws {
        try await RollingHarness.run { harness in
            try await harness.settle()
            try await harness.changeImage(to: Self.newImage)
            try await harness.step()
            let status = try #require(try await harness.status())
            #expect(status.state == .rollingUpgrading)
            #expect(status.rollingUpgradeStatus?.restarting == [1])
            #expect(status.brokersState?["2"]?.configurationState == .outOfSync)
            #expect(status.brokersState?["2"]?.readiness == .ready, "it still serves from its old pod")
        }
    }

    @Test func brokersOfOneRackRestartTogetherWhenAllowed() async throws {
        try await RollingHarness.run(concurrentPerRack: 2) { harness in
            try await harness.settle()
            try await harness.changeImage(to: Self.newImage)
            let watch = Watch()
            let batches = try await Self.roll(harness, watch: watch)
            #expect(batches.map(\.batch) == [[1, 4], [2, 5], [3], [0]])
            #expect(await watch.mostDown == 2)
            #expect(await watch.offline == 0)
            #expect(await watch.downRacks.allSatisfy { $0.count <= 1 }, "never two racks down at once")
        }
    }

    @Test func aBrokerThatNeverRejoinsTheISRStopsTheUpgradeThere() async throws {
        try await RollingHarness.run { harness in
            try await harness.settle()
            try await harness.simulation.update { (cluster) throws(SimulatedClusterError) in
                cluster.stalledBrokers = [1]
            }
            let before = try await harness.podNames()
            try await harness.changeImage(to: Self.newImage)
            var restarted: [[Int32]] = []
            // Three simulated minutes: far past the catch-up delay and the 60 s pause limit.
            for _ in 0..<90 {
                let result = try await harness.step()
                if case .restart(let batch)? = result.rollingUpgrade { restarted.append(batch) }
            }
            #expect(restarted == [[1]])
            let after = try await harness.podNames()
            for id in RollingHarness.brokerIDs where id != 1 {
                #expect(after[id] == before[id], "broker \(id) untouched")
            }
            let status = try #require(try await harness.status())
            #expect(status.state == .rollingUpgrading)
            #expect(status.rollingUpgradeStatus?.restarting == [1])
            #expect(status.rollingUpgradeStatus?.pauseReason == "RestartedBrokersNotBack")
            #expect(status.rollingUpgradeStatus?.pauseReported == true)
            #expect((status.rollingUpgradeStatus?.errorCount ?? 0) >= 1)
            let reasons = try await harness.api.eventReasons()
            #expect(reasons.filter { $0 == "RollingUpgradePausedTooLong" }.count == 1)
        }
    }

    @Test func aPodThatNeverBecomesReadyStopsTheUpgradeThere() async throws {
        try await RollingHarness.run(neverReady: []) { harness in
            try await harness.settle()
            let before = try await harness.podNames()
            harness.api.faults.neverReady(podLabel: "brokerId", value: "1")
            let stuck = RollingHarness(
                api: harness.api, clock: harness.clock, simulation: harness.simulation,
                brokers: harness.brokers,
                kafka: harness.kafka, following: harness.following, metrics: harness.metrics, neverReady: [1])
            try await stuck.changeImage(to: Self.newImage)
            var restarted: [[Int32]] = []
            for _ in 0..<40 {
                let result = try await stuck.step()
                if case .restart(let batch)? = result.rollingUpgrade { restarted.append(batch) }
            }
            #expect(restarted == [[1]])
            let after = try await stuck.podNames()
            for id in RollingHarness.brokerIDs where id != 1 { #expect(after[id] == before[id]) }
            let status = try #require(try await stuck.status())
            #expect(status.state == .rollingUpgrading)
            #expect(status.brokersState?["1"]?.readiness == .notReady)
            #expect(status.rollingUpgradeStatus?.pauseReason == "RestartedBrokersNotBack")
            #expect(try await stuck.api.eventReasons().contains("RollingUpgradePausedTooLong"))
        }
    }

    /// Writes `alerts` as the action engine records firing `rollingupgrade` alerts.
    static func setAlerts(_ alerts: [FiringAlert]?, _ harness: RollingHarness) async throws {
        let value: JSONValue =
            try alerts.map { try JSONReader.parse(Array(JSONEncoder().encode($0))) } ?? .null
        let body = JSONValue.object([("status", .object([("rollingUpgradeAlerts", value)]))])
        _ = try await harness.api.client.send(
            APIRequest(
                method: "PATCH",
                path: ResourceType.kafkaClusters.path(
                    namespace: harness.api.namespace, name: harness.api.name),
                body: body.encoded(), contentType: PatchType.merge.rawValue))
    }

    @Test func aFiringRollingUpgradeAlertPausesItAndItsResolutionResumesIt() async throws {
        try await RollingHarness.run { harness in
            try await harness.settle()
            try await Self.setAlerts(
                [FiringAlert(fingerprint: "f1", startsAt: "2026-01-01T00:00:00Z")], harness)
            try await harness.changeImage(to: Self.newImage)
            for _ in 0..<5 {
                let result = try await harness.step()
                #expect(
                    result.rollingUpgrade == .wait(.failureThreshold(errorCount: 1, threshold: 1, alerts: 1)))
            }
            let paused = try #require(try await harness.status())
            #expect(paused.state == .rollingUpgrading)
            #expect(paused.rollingUpgradeStatus?.errorCount == 1)
            #expect(paused.rollingUpgradeStatus?.pauseReason == "FailureThresholdReached")
            let reasons = try await harness.api.eventReasons()
            #expect(
                reasons.filter { $0 == "RollingUpgradePaused" }.count == 1, "once per reason, not per pass")
            // The resolved notification took it out.
            try await Self.setAlerts(nil, harness)
            let watch = Watch()
            let batches = try await Self.roll(harness, watch: watch)
            #expect(batches.flatMap(\.batch).sorted() == RollingHarness.brokerIDs)
            #expect(try await harness.api.eventReasons().contains("RollingUpgradeResumed"))
            #expect(try await harness.status()?.state == .running)
        }
    }

    @Test func anAlertPastItsEndsAtCountsNoMore() async throws {
        try await RollingHarness.run { harness in
            try await harness.settle()
            let endsAt = UTCTimestamp.format(milliseconds: harness.clock.nowMilliseconds() + 10_000)
            try await Self.setAlerts(
                [FiringAlert(fingerprint: "f1", startsAt: "2026-01-01T00:00:00Z", endsAt: endsAt)], harness)
            try await harness.changeImage(to: Self.newImage)
            let first = try await harness.step()
            #expect(first.rollingUpgrade == .wait(.failureThreshold(errorCount: 1, threshold: 1, alerts: 1)))
            var restarted = false
            for _ in 0..<8 {
                if case .restart? = try await harness.step().rollingUpgrade { restarted = true }
            }
            #expect(restarted)
        }
    }

    @Test func anOperatorThatFailedMidUpgradeResumesAndRestartsNobodyTwice() async throws {
        try await RollingHarness.run { harness in
            try await harness.settle()
            let watch = Watch()
            try await watch.sample(harness)
            try await harness.changeImage(to: Self.newImage)
            // Two brokers rolled normally.
            var rolled = 0
            while rolled < 2 {
                if case .restart? = try await harness.step(sample: { try await watch.sample($0) })
                    .rollingUpgrade
                {
                    rolled += 1
                }
            }
            // The pass that restarts the next broker dies before it records anything: its
            // status write is refused (as if the operator was killed after the pod's deletion).
            var diedRestarting = false
            for _ in 0..<20 where !diedRestarting {
                harness.clock.advance(milliseconds: 2_000)
                let before = try await harness.podNames()
                harness.api.faults.failNextRequests(1, code: 403, verb: "patch", resource: "kafkaclusters")
                let failed: Bool
                do {
                    try await harness.pass()
                    failed = false
                } catch {
                    failed = true
                }
                harness.api.faults.reset()
                let after = try await harness.podNames()
                diedRestarting = failed && after != before
                try await harness.follow()
                try await watch.sample(harness)
                _ = try await waitUntil(timeout: .seconds(10)) { try await harness.kubeletIsDone() }
                try await harness.follow()
                try await watch.sample(harness)
            }
            #expect(diedRestarting)
            #expect(
                try await harness.status()?.rollingUpgradeStatus?.restarting == [2],
                "the third restart unrecorded")
            // A new reconciler carries on from the pods.
            let batches = try await Self.roll(harness, watch: watch)
            #expect(batches.count >= 3)
            let pods = await watch.pods
            for id in RollingHarness.brokerIDs {
                #expect(pods[id]?.count == 2, "broker \(id) replaced exactly once: \(pods[id] ?? [])")
            }
            #expect(await watch.offline == 0)
            #expect(await watch.mostDown <= 1)
            #expect(try await harness.status()?.state == .running)
        }
    }
}
