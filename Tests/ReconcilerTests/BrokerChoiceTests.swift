import ClusterModel
import Kubernetes
import Testing

@testable import Reconciler

/// A downScale that named no broker is carried out by the reconciler: it asks for the broker
/// (Kafka's fewest-replicas choice), writes it out of the spec in one update, and the passes
/// after remove its objects. A choice that cannot be made removes nothing.
@Suite struct BrokerChoiceTests {
    /// A cluster of brokers 0...3, settled, with one downScale pending.
    static func pending() async throws -> ReconcilerCluster {
        let api = try await ReconcilerCluster.start(brokers: [0, 1, 2, 3])
        _ = try await api.reconcile()
        try await api.waitUntilSettled()
        _ = try await api.reconcile()
        try await api.modify { $0.status?.pendingBrokerRemovals = 1 }
        return api
    }

    func reconcile(_ api: ReconcilerCluster, choosing choose: @escaping BrokerChooser) async throws
        -> ReconcileResult
    {
        try await api.reconciler(.init(chooseBroker: choose)).reconcile(
            namespace: api.namespace, name: api.name)
    }

    /// (what the chooser answers, the broker that leaves): its choice when it is in the spec,
    /// else the highest id.
    @Test(arguments: [(Int32?(1), Int32(1)), (nil, 3), (7, 3), (0, 0)])
    func theChosenBrokerLeavesTheSpecMarkedForAGracefulRemoval(answer: Int32?, leaving: Int32) async throws {
        let api = try await Self.pending()
        defer { Task { await api.stop() } }
        let result = try await reconcile(api) { _ in answer }
        #expect(result.updated == 1 && result.requeueAfter == .zero)
        let cluster = try await api.document().cluster
        #expect(cluster.spec.brokers.map(\.id) == [0, 1, 2, 3].filter { $0 != leaving })
        #expect(cluster.status?.pendingBrokerRemovals == 0)
        #expect(
            cluster.status?.brokersState?[String(leaving)]?.gracefulActionState?.cruiseControlState
                == .downscaleRequired)

        // The passes after remove exactly its objects.
        for _ in 0..<4 { _ = try await reconcile(api) { _ in nil } }
        let pods = try await api.objects(.pods).compactMap { $0["metadata"]?["labels"]?["brokerId"]?.text }
        #expect(Set(pods) == Set([0, 1, 2, 3].filter { $0 != leaving }.map(String.init)))
    }

    @Test func aChoiceThatCannotBeMadeYetRemovesNothingAndSaysWhyOnce() async throws {
        let api = try await Self.pending()
        defer { Task { await api.stop() } }
        let failure = BrokerChoiceFailure(
            reason: "Kafka did not answer within the 1.0 s deadline", isRetryable: true)
        for _ in 0..<3 {
            let result = try await reconcile(api) { _ throws(BrokerChoiceFailure) in throw failure }
            #expect(result.updated == 0 && result.requeueAfter == .seconds(2))
        }
        let cluster = try await api.document().cluster
        #expect(cluster.spec.brokers.count == 4)
        #expect(cluster.status?.pendingBrokerRemovals == 1)
        #expect(try await api.eventReasons().filter { $0 == "BrokerChoiceFailed" }.count == 1)
        // Once Kafka answers, the removal goes ahead.
        _ = try await reconcile(api) { _ in 2 }
        #expect(try await api.document().cluster.spec.brokers.map(\.id) == [0, 1, 3])
    }

    @Test func aChoiceThatCannotBeMadeAtAllIsDroppedWithoutRemovingABroker() async throws {
        let api = try await Self.pending()
        defer { Task { await api.stop() } }
        let failure = BrokerChoiceFailure(reason: "TLS with broker b:9093 failed", isRetryable: false)
        _ = try await reconcile(api) { _ throws(BrokerChoiceFailure) in throw failure }
        let cluster = try await api.document().cluster
        #expect(cluster.spec.brokers.count == 4)
        #expect(cluster.status?.pendingBrokerRemovals == 0)
        #expect(try await api.eventReasons().contains("BrokerChoiceFailed"))
    }
}
