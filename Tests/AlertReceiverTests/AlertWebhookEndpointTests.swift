import ActionEngine
import ClusterModel
import Foundation
import TestSupport
import Testing

@testable import AlertReceiver

@Suite struct AlertWebhookEndpointTests {
    /// The labels and firing of the real Alertmanager notification in the fixture, pushed the
    /// way Prometheus pushes (no fingerprint: the operator computes it).
    static let prometheusPush = #"""
        [{"labels":{"alertname":"KafkaPartitionCountHigh","kafka_cr":"kafka","namespace":"kafka","severity":"alert"},
          "annotations":{"brokerConfigGroup":"default","command":"upScale","description":"high partition count"},
          "startsAt":"2026-11-24T17:00:17.451Z","endsAt":"0001-01-01T00:00:00Z"}]
        """#

    static func notification() throws -> String {
        String(decoding: try Fixtures.bytes("alertmanager/alertmanager-0.25-firing.json"), as: UTF8.self)
    }

    /// One firing delivered by both paths, in either order, is acted on once. Cooldown off, so
    /// a second action would show as a fifth broker rather than a deferral.
    @Test(arguments: [true, false])
    func oneFiringByBothPathsIsActedOnOnce(prometheusFirst: Bool) async throws {
        let harness = try await ReceiverHarness(cooldown: .zero)
        let push = { await harness.postAlerts(Self.prometheusPush, prometheusPush: true) }
        let webhook = { await harness.postAlerts(try Self.notification()) }
        let first = prometheusFirst ? await push() : try await webhook()
        let second = prometheusFirst ? try await webhook() : await push()
        #expect(first.status == 200 && first.body.contains(#""outcome":"accepted""#), "\(first.body)")
        #expect(second.status == 200 && second.body.contains(#""outcome":"duplicate""#), "\(second.body)")
        #expect(second.body.contains("6b06d65f877c8079"), "\(second.body)")
        #expect(try await harness.cluster().cluster.spec.brokers.count == 4)
    }

    /// Alerts labelled `rollingupgrade` count while they fire, through either path: a resolved
    /// notification for the same fingerprint, or a pushed alert whose `endsAt` has passed,
    /// takes one out.
    @Test func rollingUpgradeAlertsCountWhileTheyFire() async throws {
        let harness = try await ReceiverHarness()
        func alert(_ status: String, _ fingerprint: String) -> String {
            #"{"version":"4","status":""# + status + #"","alerts":[{"status":""# + status
                + #"","labels":{"alertname":"BrokerLag","rollingupgrade":"true","kafka_cr":"kafka","namespace":"kafka"},"#
                + #""annotations":{},"startsAt":"2026-11-24T17:00:17.451Z","fingerprint":""# + fingerprint
                + #""}]}"#
        }
        func count() async throws -> Int? { try await harness.cluster().cluster.status?.alertCount }
        let firing = await harness.postAlerts(alert("firing", "00000000000000a1"))
        #expect(firing.status == 200 && firing.body.contains(#""outcome":"recorded""#), "\(firing.body)")
        _ = await harness.postAlerts(alert("firing", "00000000000000a2"))
        _ = await harness.postAlerts(alert("firing", "00000000000000a1"))
        #expect(try await count() == 2)
        _ = await harness.postAlerts(alert("resolved", "00000000000000a1"))
        #expect(try await count() == 1)
        #expect(try await harness.cluster().cluster.spec.brokers.count == 3, "no action taken")
        let pushed =
            #"[{"labels":{"alertname":"Lag","rollingupgrade":"true","kafka_cr":"kafka","namespace":"kafka"},"#
            + #""startsAt":"2026-11-24T17:00:17Z","endsAt":"2026-11-24T17:05:17Z"}]"#
        _ = await harness.postAlerts(pushed, prometheusPush: true)
        #expect(try await count() == 1, "a pushed alert whose endsAt has passed is resolved")
        _ = await harness.postAlerts(alert("resolved", "00000000000000a2"))
        #expect(try await count() == 0)
    }

    /// A re-send is counted, not logged at info: a storm of them wrote hundreds of megabytes.
    @Test func aRepeatedAlertIsLoggedOnlyAtDebug() async throws {
        let harness = try await ReceiverHarness()
        for _ in 0..<3 { _ = await harness.postAlerts(try Self.notification()) }
        let lines = harness.log.lines.filter { $0.message.hasPrefix("alert ") }
        #expect(lines.map(\.message) == ["alert accepted", "alert duplicate", "alert duplicate"])
        #expect(lines.filter { $0.level >= .info }.map(\.message) == ["alert accepted"])
    }

    /// Whether Alertmanager is asked to retry follows whether a retry can help.
    static let storeFailures: [(error: ClusterStoreError, status: Int, outcome: String, says: String)] = [
        (.refused("403 Forbidden: cannot update kafkaclusters"), 200, "rejected", "403 Forbidden"),
        (.refused("422 Invalid: spec.brokers"), 200, "rejected", "422 Invalid"),
        (.corrupted(location: "kafka/kafka", reason: "no spec"), 200, "rejected", "no spec"),
        (.storage("503 ServiceUnavailable"), 503, "failed", "503 ServiceUnavailable"),
        (.cancelled, 503, "failed", "cancelled"),
    ]

    @Test(arguments: storeFailures)
    func aStoreFailureAnswers503OnlyWhenARetryCanHelp(
        _ row: (error: ClusterStoreError, status: Int, outcome: String, says: String)
    ) async throws {
        let harness = try await ReceiverHarness()
        let before = try await harness.cluster()
        await harness.store.failUpdates(1, with: row.error)
        let answer = await harness.postAlerts(try Self.notification())
        #expect(answer.status == row.status, "\(answer.body)")
        #expect(answer.body.contains(#""outcome":"\#(row.outcome)""#), "\(answer.body)")
        #expect(answer.body.contains(row.says), "\(answer.body)")
        #expect(try await harness.cluster() == before)
        // Not remembered as processed: the same firing is acted on once the store works.
        let again = await harness.postAlerts(try Self.notification())
        #expect(again.body.contains(#""outcome":"accepted""#), "\(again.body)")
    }

    /// A conflict that outlasts the runner's re-reads is a retryable failure: 503.
    @Test func aPersistentConflictAnswers503() async throws {
        let harness = try await ReceiverHarness()
        await harness.store.failUpdates(
            ActionRunner.maxWriteAttempts, with: .conflict(namespace: "kafka", name: "kafka"))
        let answer = await harness.postAlerts(try Self.notification())
        #expect(answer.status == 503, "\(answer.body)")
        #expect(answer.body.contains("changed by someone else"), "\(answer.body)")
    }
}
