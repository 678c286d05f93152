import ClusterModel
import Foundation
import JSON
import Kubernetes
import LocalCluster
import TestSupport
import Testing

@testable import Reconciler

/// The loop against a local cluster that misbehaves: failed requests, conflicting updates,
/// slow answers and dropped watches. Whatever happens on the way, the cluster ends as its spec
/// says, with no duplicate or orphaned object, and a pass after that writes nothing.
@Suite struct ReconcileFaultTests {
    enum Fault: String, CaseIterable, CustomTestStringConvertible {
        /// 30% of all requests fail with 500 until enough have.
        case someRequestsFail
        /// The next writes of each kind fail with 500.
        case theNextWritesFail
        /// Updates and patches meet 409 Conflict.
        case updatesConflict
        /// Every request waits 25 ms more.
        case slowAnswers
        /// Every watch ends, again and again, while the cluster is built.
        case watchesDropped

        var testDescription: String { rawValue }

        /// Starts the fault; returns, once it has done its part (it may still be on, until the
        /// test resets it), whether it did what it should.
        func inject(into cluster: ReconcilerCluster) async -> Bool {
            let faults = cluster.faults
            switch self {
            case .someRequestsFail:
                faults.failFraction(0.3)
            case .theNextWritesFail:
                for verb in ["create", "update", "patch", "delete"] { faults.failNextRequests(6, verb: verb) }
            case .updatesConflict:
                faults.conflictNextUpdates(6)
            case .slowAnswers:
                faults.addLatency(.milliseconds(25))
            case .watchesDropped:
                // Each time, after the loop has watched again: its five watches are open.
                for _ in 0..<5 {
                    let watching = await waitUntil(timeout: .seconds(5)) {
                        await cluster.fixture.cluster.openWatchCount() >= 5
                    }
                    guard watching else { return false }
                    await faults.dropAllWatches()
                }
            }
            return true
        }

        /// Whether the reconciler met the fault on the way.
        func showed(in harness: LoopHarness) async -> Bool {
            switch self {
            case .someRequestsFail, .theNextWritesFail: harness.failedPasses.withLock { $0 } > 0
            case .updatesConflict: harness.conflictedPasses.withLock { $0 } > 0
            case .slowAnswers: true
            // The loop watches again after the last drop (after its backoff, so wait for it).
            case .watchesDropped:
                await waitUntil(timeout: .seconds(10)) {
                    await harness.cluster.fixture.cluster.openWatchCount() >= 5
                }
            }
        }
    }

    static func start(brokers: [Int32]? = nil) async throws -> ReconcilerCluster {
        try await ReconcilerCluster.start(brokers: brokers, retryPolicy: LoopHarness.quickRetries)
    }

    @Test(arguments: Fault.allCases)
    func aClusterBuiltUnderFaultsConverges(fault: Fault) async throws {
        let cluster = try await Self.start(brokers: [0, 1, 2, 3])
        defer { Task { await cluster.stop() } }
        let harness = LoopHarness(cluster: cluster)
        let (injected, converged, showed) = try await harness.running {
            let injected = await fault.inject(into: cluster)
            let converged = await harness.waitUntilConverged()
            return (injected, converged, await fault.showed(in: harness))
        }
        cluster.faults.reset()
        let left = try await cluster.everything().sorted()
        #expect(injected && showed)
        #expect(converged, "\(fault) left \(left)")
        let quiet = try await harness.quietPass()
        #expect(quiet.writes == 0 && !quiet.serverWrites)
        // One creation Event per object: a failed or retried create is not announced twice.
        let desired = try await cluster.rendered()
        let created = try await cluster.eventReasons().filter { $0.hasPrefix("Created") }
        #expect(created.count <= desired.objects.count)
    }

    /// downScale under faults: broker 2 leaves the spec, marked as the action engine marks it;
    /// exactly its objects go, and nothing of the other brokers changes.
    @Test(arguments: [Fault.someRequestsFail, .updatesConflict, .watchesDropped])
    func aDownscaleUnderFaultsRemovesExactlyThatBroker(fault: Fault) async throws {
        let cluster = try await Self.start(brokers: [0, 1, 2, 3])
        defer { Task { await cluster.stop() } }
        let harness = LoopHarness(cluster: cluster)
        try await harness.running {
            #expect(await harness.waitUntilConverged())
            let before = try await Self.uids(cluster)
            let leaving = try #require(try await cluster.rendered().broker(2))
            // The reconciler's first delete fails, retries included, whatever the fault.
            cluster.faults.failNextRequests(LoopHarness.quickRetries.maxAttempts, verb: "delete")
            try await cluster.modify { kafka in
                kafka.spec.brokers.removeAll { $0.id == 2 }
                var state = kafka.status?.brokersState?["2"] ?? BrokerState()
                state.gracefulActionState = GracefulActionState(
                    cruiseControlState: "GracefulDownscaleRequired")
                kafka.status?.brokersState?["2"] = state
            }
            #expect(await fault.inject(into: cluster))
            #expect(await harness.waitUntilConverged())
            #expect(await fault.showed(in: harness))
            #expect(harness.failedPasses.withLock { $0 } > 0)
            cluster.faults.reset()
            let done = try await waitUntil(timeout: .seconds(10)) {
                try await cluster.document().cluster.status?.brokersState?["2"] == nil
            }
            #expect(done)
            let after = try await Self.uids(cluster)
            let gone = Set(before.keys).subtracting(after.keys)
            #expect(
                gone
                    == Set(leaving.objects.map { "\($0.resourceType.plural)/\($0.name)" }))
            // The others are the very same objects, not made again.
            for (key, uid) in after { #expect(before[key] == uid, "\(key)") }
        }
        let quiet = try await harness.quietPass()
        #expect(quiet.writes == 0 && !quiet.serverWrites)
    }

    /// `plural/name` of each object of ours to its uid.
    static func uids(_ cluster: ReconcilerCluster) async throws -> [String: String] {
        var uids: [String: String] = [:]
        for type in ReconcilerCluster.ownedTypes {
            for object in try await cluster.list(
                type, labels: ResourceConventions.selector(cluster: cluster.name)
            ).items {
                uids["\(type.plural)/\(object["metadata"]?["name"]?.text ?? "")"] =
                    object["metadata"]?["uid"]?.text
            }
        }
        return uids
    }
}
