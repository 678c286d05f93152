import ClusterModel
import Foundation
import JSON
import Kubernetes
import TestSupport
import Testing

@testable import Reconciler

@Suite struct ReconcileLoopTests {
    @Test(arguments: [Duration.milliseconds(50), .seconds(3600)])
    func theLoopBuildsTheClusterAndFollowsADownscale(resync: Duration) async throws {
        let cluster = try await ReconcilerCluster.start()
        defer { Task { await cluster.stop() } }
        let harness = LoopHarness(cluster: cluster)
        try await harness.running(resync: resync) {
            #expect(await harness.waitUntilConverged())
            #expect(try await cluster.names(.pods).count == 3)
            #expect(cluster.api.counts.watches > 0)

            try await cluster.modify { $0.spec.brokers.removeAll { $0.id == 2 } }
            let removed = try await waitUntil(timeout: .seconds(10)) {
                for type in ReconcilerCluster.ownedTypes {
                    let left = try await cluster.list(type, labels: "\(ResourceConventions.brokerLabel)=2")
                        .items
                    if !left.isEmpty { return false }
                }
                return true
            }
            #expect(removed)
            #expect(await harness.waitUntilConverged())
            #expect(try await cluster.names(.pods).count == 2)
        }
        #expect(harness.passes.withLock { $0 } >= 3)
        let quiet = try await harness.quietPass()
        #expect(quiet.writes == 0 && !quiet.serverWrites)
    }
}

/// Reconciles of different clusters run side by side: one whose API calls hang does not hold up
/// another.
@Suite struct ReconcileLoopIsolationTests {
    /// Every call about cluster `kafka/kafka` hangs until cancelled; the rest pass.
    struct HangingForOneCluster: KubernetesAPI {
        let base: any KubernetesAPI
        func send(_ request: APIRequest) async throws(KubernetesError) -> [UInt8] {
            if request.path.hasSuffix("/kafkaclusters/kafka")
                || request.path.hasSuffix("/kafkaclusters/kafka/status")
            {
                try? await Task.sleep(for: .seconds(3600))
                throw .cancelled("the test stopped")
            }
            return try await base.send(request)
        }
        func stream(_ request: APIRequest) -> AsyncThrowingStream<[UInt8], any Error> { base.stream(request) }
    }

    @Test func aClusterWhoseCallsHangDoesNotHoldUpAnother() async throws {
        let cluster = try await ReconcilerCluster.start(brokers: [0, 1])
        defer { Task { await cluster.stop() } }
        // The same spec under another name, as a fresh object.
        guard case .object(let members) = try await cluster.document().value else {
            Issue.record("the cluster is not an object")
            return
        }
        let other = JSONValue.object(
            members.filter { $0.key != "status" }.map { member in
                member.key == "metadata"
                    ? (
                        key: "metadata",
                        value: .object([("name", .string("other")), ("namespace", .string("kafka"))])
                    )
                    : member
            })
        _ = try await cluster.client.send(
            APIRequest(
                method: "POST", path: ResourceType.kafkaClusters.path(namespace: "kafka"),
                body: other.encoded(), contentType: "application/json"))
        let loop = ReconcileLoop(
            reconciler: ClusterReconciler(
                api: HangingForOneCluster(base: cluster.client),
                configuration: .init(waitInterval: .milliseconds(20)),
                logger: ReconcilerCluster.quiet),
            configuration: .init(maxConcurrentReconciles: 2, initialBackoff: .milliseconds(10)),
            logger: ReconcilerCluster.quiet)
        let running = Task { try await loop.run() }
        let path = ResourceType.kafkaClusters.path(namespace: "kafka", name: "other")
        let otherRuns = await waitUntil(timeout: .seconds(20)) {
            let bytes = try? await cluster.client.send(APIRequest(method: "GET", path: path))
            return bytes.flatMap { try? JSONReader.parse($0)["status"]?["state"] }
                == .string("ClusterRunning")
        }
        #expect(otherRuns)
        // The hanging cluster got nothing: its reconcile never got past reading it.
        #expect(try await cluster.names(.pods).filter { $0.hasPrefix("kafka-") }.isEmpty)
        running.cancel()
        _ = await running.result
    }
}
