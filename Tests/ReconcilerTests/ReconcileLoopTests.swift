import ClusterModel
import Foundation
import JSON
import Kubernetes
import Synchronization
import TestSupport
import Testing

@testable import Reconciler

@Suite struct ReconcileLoopTests {
    @Test(arguments: [Duration.milliseconds(50), .seconds(3600)])
    func theLoopBuildsTheClusterAndFollowsADownscale(resync: Duration) async throws {
        let api = InMemoryKubernetesAPI()
        let yaml = try String(
            contentsOf: repositoryRoot.appendingPathComponent("examples/kafkacluster.yaml"), encoding: .utf8)
        try api.seed(.kafkaClusters, namespace: "kafka", try ClusterDocument(yaml: yaml).value)
        let counting = CountingKubernetesAPI(api)
        let passes = Mutex(0)
        let loop = ReconcileLoop(
            reconciler: ClusterReconciler(
                api: counting, configuration: .init(waitInterval: .milliseconds(20))),
            configuration: .init(
                resyncInterval: resync, initialBackoff: .milliseconds(10),
                maximumBackoff: .milliseconds(50),
                onReconcile: { _, _ in passes.withLock { $0 += 1 } }))
        let running = Task { try await loop.run() }
        defer { running.cancel() }

        let built = await waitUntil(timeout: .seconds(10)) {
            api.names(.pods, namespace: "kafka").count == 3
        }
        #expect(built)
        #expect(counting.counts.watches > 0)

        let raw = try #require(api.objects(.kafkaClusters, namespace: "kafka").first)
        var document = try ClusterDocument(value: raw)
        document.cluster.spec.brokers.removeAll { $0.id == 2 }
        _ = try await api.send(
            APIRequest(
                method: "PUT", path: ResourceType.kafkaClusters.path(namespace: "kafka", name: "kafka"),
                body: document.json(), contentType: "application/json"))
        let removed = await waitUntil(timeout: .seconds(10)) {
            let all = api.state.withLock { $0.collections }.values.flatMap(\.values)
            return !all.contains { $0["metadata"]?["labels"]?["brokerId"] == .string("2") }
        }
        #expect(removed)
        #expect(api.names(.pods, namespace: "kafka").count == 2)

        // Watches (and resync, where short) drove it, and it settles: nothing left to write.
        let settled = await waitUntil(timeout: .seconds(5)) {
            let writes = counting.counts.writes
            try? await Task.sleep(for: .milliseconds(100))
            return counting.counts.writes == writes
        }
        #expect(settled)

        running.cancel()
        _ = await running.result
        #expect(passes.withLock { $0 } >= 3)
    }
}
