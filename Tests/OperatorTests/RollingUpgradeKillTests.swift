import Foundation
import TestSupport
import Testing

/// `serve` in local mode rolls its brokers (the simulated Kafka cluster follows the pods); killed
/// in the middle and started again on the same data, it finishes the upgrade and restarts no
/// broker twice. Every port is a free one, so it can run beside other local-mode processes.
@Suite(.serialized) struct RollingUpgradeKillTests {
    static let example = repositoryRoot.appendingPathComponent("examples/kafkacluster.yaml").path

    /// The operator's pod deletions in the local cluster's audit log.
    static func podDeletions(_ audit: URL) -> Int {
        let lines = (try? String(contentsOf: audit, encoding: .utf8)) ?? ""
        return lines.split(separator: "\n").filter { $0.hasPrefix("delete core pods ") }.count
    }

    @Test(.enabled(if: Peer.available("curl"), "needs curl"))
    func anOperatorKilledMidUpgradeFinishesItAndRestartsNobodyTwice() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let audit = directory.file("audit.log")
        // One block for both, so the brokers' Kafka and metrics ports can never overlap.
        let ports = freeLoopbackPortBlock(count: 16)
        let arguments = [
            "--cluster", Self.example, "--local-broker-base-port", String(ports),
            "--local-broker-metrics-base-port", String(ports + 8),
            "--local-cluster-audit-log", audit.path,
        ]
        let first = try await OperatorProcess(
            arguments: arguments, logDirectory: directory, logName: "first.log")
        let running = await first.waitUntilClusterRunning(timeout: .seconds(60))
        #expect(running, "\(first.process.log)")
        let pods = "/api/v1/namespaces/kafka/pods?labelSelector=kafka_cr%3Dkafka"
        let before = Set(
            try first.items(pods).compactMap { ($0["metadata"] as? [String: Any])?["name"] as? String })
        #expect(before.count == 3)
        #expect(Self.podDeletions(audit) == 0)

        // A read-only change (Kafka cannot apply it without a restart): every broker's pod carries it.
        let body =
            #"{"spec":{"readOnlyConfig":"auto.create.topics.enable=false\noffsets.topic.replication.factor=3\nzookeeper.session.timeout.ms=9000\n"}}"#
        _ = try runProcess(
            "curl",
            [
                "-sS", "--max-time", "10", "-X", "PATCH", "-H", "Content-Type: application/merge-patch+json",
                "--data", body,
                first.localCluster
                    + "/apis/kafka.banzaicloud.io/v1beta1/namespaces/kafka/kafkaclusters/kafka",
            ])
        let oneRestarted = await waitUntil(timeout: .seconds(30)) { Self.podDeletions(audit) >= 1 }
        #expect(oneRestarted, "\(first.process.log)")
        let state = try? first.clusterState()
        _ = first.process.stop(signal: SIGKILL)
        #expect(state == "ClusterRollingUpgrading")
        let deletedBeforeKill = Self.podDeletions(audit)
        #expect(deletedBeforeKill < 3, "the kill came after the upgrade; nothing was interrupted")

        let second = try await OperatorProcess(
            arguments: arguments, logDirectory: directory, logName: "second.log")
        defer { second.process.stop() }
        let finished = await waitUntil(timeout: .seconds(90)) {
            let names = Set(
                ((try? second.items(pods)) ?? []).compactMap {
                    ($0["metadata"] as? [String: Any])?["name"] as? String
                })
            return names.count == 3 && names.isDisjoint(with: before)
                && (try? second.clusterState()) == "ClusterRunning"
        }
        #expect(finished, "\(second.process.log)")
        #expect(Self.podDeletions(audit) == 3, "each broker's old pod deleted once, across both processes")
        let status = try second.kafkaCluster()["status"] as? [String: Any]
        let rolling = status?["rollingUpgradeStatus"] as? [String: Any]
        #expect(rolling?["lastSuccess"] != nil)
        #expect(rolling?["restarting"] == nil)
    }
}
