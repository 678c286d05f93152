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
