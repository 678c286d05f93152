import ClusterModel
import HTTPClient
import JSON
import Kubernetes
import Synchronization
import TestSupport

@testable import Reconciler

/// Runs a `ReconcileLoop` against a `ReconcilerCluster` and says, through the API, whether the
/// cluster matches its spec.
final class LoopHarness: Sendable {
    let cluster: ReconcilerCluster
    let passes = Mutex(0)
    /// Passes that failed, and passes that met a conflict and asked to be run again at once.
    let failedPasses = Mutex(0)
    let conflictedPasses = Mutex(0)

    init(cluster: ReconcilerCluster) { self.cluster = cluster }

    /// Retries quickly, so faults cost little time.
    static let quickRetries = RetryPolicy(
        maxAttempts: 3, baseDelay: .milliseconds(5), maxDelay: .milliseconds(40), budget: .seconds(5))

    func loop(resync: Duration = .seconds(3600)) -> ReconcileLoop {
        ReconcileLoop(
            reconciler: cluster.reconciler(.init(waitInterval: .milliseconds(20))),
            configuration: .init(
                resyncInterval: resync, initialBackoff: .milliseconds(10), maximumBackoff: .milliseconds(100),
                onReconcile: { [self] _, result in
                    passes.withLock { $0 += 1 }
                    switch result {
                    case .failure: failedPasses.withLock { $0 += 1 }
                    case .success(let result) where result.requeueAfter == .zero:
                        conflictedPasses.withLock { $0 += 1 }
                    case .success: break
                    }
                }),
            logger: ReconcilerCluster.quiet)
    }

    /// Runs the loop while `body` runs.
    func running<T>(resync: Duration = .seconds(3600), _ body: () async throws -> T) async throws -> T {
        let loop = loop(resync: resync)
        let task = Task { try await loop.run() }
        defer { task.cancel() }
        let value = try await body()
        task.cancel()
        _ = await task.result
        return value
    }

    /// Every broker of the spec has exactly one Pod (Ready, not terminating), one ConfigMap,
    /// its PVCs and its Service, counted by the `brokerId` label; no object of ours is left
    /// that the spec does not ask for; the brokers no longer in the spec have none.
    func converged() async throws -> Bool {
        let desired = try await cluster.rendered()
        let selector = ResourceConventions.selector(cluster: cluster.name)
        var owned: [ResourceType: [JSONValue]] = [:]
        for type in ReconcilerCluster.ownedTypes {
            owned[type] = try await cluster.list(type, labels: selector).items
        }
        for broker in desired.brokers {
            func count(_ type: ResourceType) -> Int {
                (owned[type] ?? []).filter {
                    $0["metadata"]?["labels"]?[ResourceConventions.brokerLabel]?.text
                        == String(broker.brokerID)
                }.count
            }
            guard count(.pods) == 1, count(.configMaps) == 1, count(.services) == 1,
                count(.persistentVolumeClaims) == broker.volumes.count
            else { return false }
        }
        for pod in owned[.pods] ?? [] {
            guard ReconcilerCluster.isReady(pod), pod["metadata"]?["deletionTimestamp"] == nil else {
                return false
            }
        }
        let want = Set(desired.objects.map { "\($0.resourceType.plural)/\($0.name)" })
        let have = Set(
            owned.flatMap { type, items in
                items.compactMap { $0["metadata"]?["name"]?.text }.map { "\(type.plural)/\($0)" }
            })
        guard want == have, owned.values.map(\.count).reduce(0, +) == want.count else { return false }
        // The status says so too, and the claims are bound: nothing left for anyone to write.
        let status = try await cluster.document().cluster.status
        guard status?.state == .running else { return false }
        return try await cluster.settled()
    }

    /// A read that fails (faults hit the test's reads too) counts as not converged yet.
    func waitUntilConverged(timeout: Duration = .seconds(20)) async -> Bool {
        await waitUntil(timeout: timeout) { (try? await converged()) ?? false }
    }

    /// After convergence, with the loop stopped: a pass writes nothing at all.
    func quietPass() async throws -> (writes: Int, serverWrites: Bool) {
        let version = try await cluster.resourceVersion()
        cluster.api.reset()
        let result = try await cluster.reconcile()
        let counted = cluster.api.counts.writes
        return (result.writes + counted, try await cluster.resourceVersion() != version)
    }
}
