import ActionEngine
import ClusterModel
import ClusterTestSupport
import Foundation
import Kubernetes
import TestSupport
import Testing

@testable import KubernetesClusterStore

/// What the API's failures mean for the store: a refusal stays a refusal through every layer,
/// only failures a retry may cure are retryable, and a cancelled call is neither.
@Suite struct StoreErrorTests {
    /// One row per answer the API can give to a write, with what the store must report.
    static let answers: [(code: Int, retryable: Bool, kind: String)] = [
        (400, false, "refused"), (401, false, "refused"), (403, false, "refused"), (405, false, "refused"),
        (413, false, "refused"), (422, false, "refused"), (429, true, "storage"), (500, true, "storage"),
        (503, true, "storage"), (504, true, "storage"),
    ]

    static func kind(_ error: ClusterStoreError) -> String {
        switch error {
        case .notFound: return "notFound"
        case .alreadyExists: return "alreadyExists"
        case .conflict: return "conflict"
        case .corrupted: return "corrupted"
        case .storage: return "storage"
        case .refused: return "refused"
        case .cancelled: return "cancelled"
        }
    }

    @Test func everyAPIAnswerToAWriteKeepsWhetherRetryingCanHelp() async throws {
        let fixture = try await LocalClusterFixture.start(retryPolicy: .never)
        defer { Task { await fixture.stop() } }
        let store = KubernetesClusterStore(api: fixture.client)
        let stored = try await store.create(try KubernetesClusterStoreTests.example())
        for row in Self.answers {
            fixture.cluster.faults.failNextRequests(
                1, code: row.code, verb: "update", resource: "kafkaclusters")
            do {
                _ = try await store.update(stored.document, expectedRevision: stored.revision)
                Issue.record("\(row.code): the write succeeded")
            } catch {
                #expect(Self.kind(error) == row.kind, "\(row.code): \(error)")
                #expect(error.isRetryable == row.retryable, "\(row.code): \(error)")
                #expect(error.description.contains(String(row.code)), "\(row.code): \(error)")
            }
        }
        fixture.cluster.faults.conflictNextUpdates(1, resource: "kafkaclusters")
        await #expect(throws: ClusterStoreError.conflict(namespace: "kafka", name: "kafka")) {
            _ = try await store.update(stored.document, expectedRevision: stored.revision)
        }
    }

    @Test func aCancelledCallIsCancelledNotATransportFailure() async throws {
        let fixture = try await LocalClusterFixture.start()
        defer { Task { await fixture.stop() } }
        let store = KubernetesClusterStore(api: fixture.client)
        _ = try await store.create(try KubernetesClusterStoreTests.example())
        fixture.cluster.faults.addLatency(.seconds(30), verb: "get", resource: "kafkaclusters")
        let call = Task { () async throws(ClusterStoreError) -> StoredCluster in
            try await store.get(namespace: "kafka", name: "kafka")
        }
        call.cancel()
        let result = await call.result
        #expect(throws: ClusterStoreError.cancelled) { try result.get() }
    }

    static func alert(_ index: Int, command: String = "upScale") -> ActionRequest {
        ActionRequest(
            command: command, namespace: "kafka", cluster: "kafka", parameters: [:],
            source: .alert(fingerprint: String(format: "%016x", index), startsAt: "2026-11-24T17:00:17.451Z"))
    }

    /// Many distinct alerts for one cluster at once, eight at a time: the operator's own
    /// writers take turns, so none of them fails on a conflict with another.
    @Test func concurrentDistinctAlertsNeverConflictWithEachOther() async throws {
        let fixture = try await LocalClusterFixture.start()
        defer { Task { await fixture.stop() } }
        let store = KubernetesClusterStore(api: fixture.client)
        _ = try await store.create(try KubernetesClusterStoreTests.example())
        try await store.settle()
        var policy = ActionPolicy()
        policy.cooldown = .zero
        let runner = ActionRunner(store: store, policy: policy)
        let alerts = 64
        let failures = await withTaskGroup(of: String?.self) { group in
            var failures: [String] = []
            for index in 0..<alerts {
                if index >= 8, let failure = await group.next() { failures += failure.map { [$0] } ?? [] }
                group.addTask {
                    do {
                        // Half count against a rolling upgrade (a write each), half scale up:
                        // the first is accepted, the rest wait for the reconciler to take it up.
                        let outcome =
                            index.isMultiple(of: 2)
                            ? try await runner.countRollingUpgradeAlert(
                                namespace: "kafka", cluster: "kafka",
                                alert: FiringAlert(
                                    fingerprint: "f\(index)", startsAt: "2026-01-01T00:00:00Z"),
                                firing: true)
                            : try await runner.run(Self.alert(index))
                        return ["recorded", "accepted", "deferred"].contains(outcome.name)
                            ? nil : "\(index): \(outcome)"
                    } catch {
                        return "\(index): \(error)"
                    }
                }
            }
            for await failure in group { failures += failure.map { [$0] } ?? [] }
            return failures
        }
        #expect(failures.isEmpty, "\(failures)")
        let cluster = try await store.get(namespace: "kafka", name: "kafka").cluster
        #expect(cluster.status?.alertCount == alerts / 2)
        #expect(cluster.status?.actionLog?.count == 1)
        #expect(cluster.spec.brokers.count == 4)
    }

    /// Another writer that keeps changing the cluster is settled by reading again, up to a
    /// bound; past it the failure is reported as retryable, never guessed away.
    @Test func aConflictThatPersistsIsReportedAsRetryable() async throws {
        let fixture = try await LocalClusterFixture.start()
        defer { Task { await fixture.stop() } }
        let store = KubernetesClusterStore(api: fixture.client)
        _ = try await store.create(try KubernetesClusterStoreTests.example())
        let runner = ActionRunner(store: store)
        try await store.settle()

        fixture.cluster.faults.conflictNextUpdates(
            ActionRunner.maxWriteAttempts - 1, resource: "kafkaclusters")
        #expect(try await runner.run(Self.alert(1)).name == "accepted")
        try await store.settle()

        fixture.cluster.faults.conflictNextUpdates(ActionRunner.maxWriteAttempts, resource: "kafkaclusters")
        await #expect(throws: ClusterStoreError.conflict(namespace: "kafka", name: "kafka")) {
            _ = try await runner.run(Self.alert(2, command: "downScale"))
        }
        #expect(try await store.get(namespace: "kafka", name: "kafka").cluster.spec.brokers.count == 4)
    }

    /// A write the API refuses for good (here: forbidden) is an outcome with the reason, not an
    /// error Alertmanager would retry forever; nothing is remembered as processed.
    @Test func aForbiddenWriteIsARejectionWithTheReason() async throws {
        let fixture = try await LocalClusterFixture.start()
        defer { Task { await fixture.stop() } }
        let store = KubernetesClusterStore(api: fixture.client)
        _ = try await store.create(try KubernetesClusterStoreTests.example())
        let runner = ActionRunner(store: store)
        try await store.settle()
        fixture.cluster.faults.failNextRequests(1, code: 403, verb: "update", resource: "kafkaclusters")
        let outcome = try await runner.run(Self.alert(1))
        guard case .rejected(let reason) = outcome else {
            Issue.record("\(outcome)")
            return
        }
        #expect(reason.contains("403"), "\(reason)")
        #expect(!runner.isKnownDuplicate(Self.alert(1).source))
        #expect(try await store.get(namespace: "kafka", name: "kafka").cluster.spec.brokers.count == 3)
    }
}
