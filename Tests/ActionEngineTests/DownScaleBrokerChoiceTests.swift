import ClusterModel
import Foundation
import TestSupport
import Testing

@testable import ActionEngine

/// A downScale without `brokerId` whose broker choice fails is not taken on a guess: it is
/// deferred (retryable failure) or rejected (terminal) with the reason, and nothing changes.
@Suite struct DownScaleBrokerChoiceTests {
    let store = InMemoryClusterStore()

    init() async throws {
        let yaml = try String(
            contentsOf: repositoryRoot.appendingPathComponent("examples/kafkacluster.yaml"), encoding: .utf8)
        _ = try await store.create(try ClusterDocument(yaml: yaml))
        try await store.settle()
    }

    private func downScale(choosing choice: @escaping @Sendable () throws(BrokerChoiceFailure) -> Int32?)
        async throws -> ActionOutcome
    {
        let runner = ActionRunner(
            store: store, fewestReplicasBroker: { _ throws(BrokerChoiceFailure) in try choice() })
        return try await runner.run(
            ActionRequest(
                command: "downScale", namespace: "kafka", cluster: "kafka", parameters: [:],
                source: .alert(fingerprint: "down", startsAt: "2026-11-24T17:00:17.451Z")))
    }

    @Test(arguments: [
        (
            BrokerChoiceFailure(reason: "Kafka did not answer within the 1.0 s deadline", isRetryable: true),
            "deferred"
        ),
        (BrokerChoiceFailure(reason: "TLS with broker b:9093 failed", isRetryable: false), "rejected"),
    ])
    func aFailedChoiceIsReportedAndChangesNothing(failure: BrokerChoiceFailure, outcome: String) async throws
    {
        let before = try await store.get(namespace: "kafka", name: "kafka")
        let result = try await downScale { () throws(BrokerChoiceFailure) in throw failure }
        #expect(result.name == outcome)
        #expect(result.detail == "the broker to remove could not be chosen: \(failure.reason)")
        let after = try await store.get(namespace: "kafka", name: "kafka")
        #expect(after.revision == before.revision)
        #expect(after.cluster.status?.processedAlerts == before.cluster.status?.processedAlerts)
    }
}
