import ClusterTestSupport
import Kubernetes
import Logging
import Synchronization
import TestSupport
import Testing

@testable import Reconciler

/// The lease records a candidate writes, and how it judges another's lease, as client-go does.
struct LeaseClaimTests {
    @Test func aNewLeaseStartsAtZeroTransitionsAndARenewalKeepsItsAcquireTime() {
        let created = LeaseClaim.claiming(nil, identity: "a", durationSeconds: 15, now: "t1")
        #expect(
            created
                == Lease.Spec(
                    holderIdentity: "a", leaseDurationSeconds: 15, acquireTime: "t1", renewTime: "t1",
                    leaseTransitions: 0))
        let renewed = LeaseClaim.claiming(created, identity: "a", durationSeconds: 15, now: "t2")
        #expect(renewed.acquireTime == "t1" && renewed.renewTime == "t2" && renewed.leaseTransitions == 0)
    }

    @Test func takingOverCountsATransitionAndReleasingLeavesNoHolder() {
        let held = Lease.Spec(
            holderIdentity: "a", leaseDurationSeconds: 15, acquireTime: "t1", renewTime: "t2",
            leaseTransitions: 3)
        let taken = LeaseClaim.claiming(held, identity: "b", durationSeconds: 15, now: "t9")
        #expect(taken.holderIdentity == "b" && taken.acquireTime == "t9" && taken.leaseTransitions == 4)
        let released = LeaseClaim.released(taken, now: "t10")
        #expect(released.holderIdentity == "" && released.leaseDurationSeconds == 1)
        #expect(released.leaseTransitions == 4 && released.renewTime == "t10")
        // A released lease is taken without waiting, and still counts as a transition.
        var observation = LeaseObservation(now: .now)
        observation.observe(released, at: .now)
        #expect(!observation.isHeld(byOtherThan: "a", at: .now))
        #expect(
            LeaseClaim.claiming(released, identity: "a", durationSeconds: 15, now: "t11").leaseTransitions
                == 5)
    }

    @Test func anotherHoldersLeaseExpiresByThisReplicasClockNotTheTimesWrittenInIt() {
        let start = ContinuousClock.now
        var observation = LeaseObservation(now: start)
        // The renew time written in the record is far in the past: it does not matter.
        let held = Lease.Spec(
            holderIdentity: "a", leaseDurationSeconds: 10, acquireTime: "1970-01-01T00:00:00.000000Z",
            renewTime: "1970-01-01T00:00:00.000000Z", leaseTransitions: 0)
        observation.observe(held, at: start)
        #expect(observation.isHeld(byOtherThan: "b", at: start + .seconds(9)))
        #expect(!observation.isHeld(byOtherThan: "a", at: start + .seconds(9)))
        // The same record seen again does not restart the clock; a renewed one does.
        observation.observe(held, at: start + .seconds(5))
        #expect(!observation.isHeld(byOtherThan: "b", at: start + .seconds(11)))
        var renewed = held
        renewed.renewTime = "1970-01-01T00:00:01.000000Z"
        observation.observe(renewed, at: start + .seconds(11))
        #expect(observation.isHeld(byOtherThan: "b", at: start + .seconds(20)))
    }

    @Test(arguments: [
        (Duration.seconds(15), Duration.seconds(10), Duration.seconds(2), nil as String?),
        (
            .seconds(10), .seconds(10), .seconds(2),
            "the renew deadline must be shorter than the lease duration"
        ),
        (
            .seconds(15), .seconds(10), .seconds(10),
            "the retry period must be shorter than the renew deadline"
        ),
    ])
    func timingsThatAllowTwoWritersAreRefused(
        lease: Duration, renew: Duration, retry: Duration, problem: String?
    ) {
        let configuration = LeaderElector.Configuration(
            namespace: "kafka", identity: "a", leaseDuration: lease, renewDeadline: renew, retryPeriod: retry)
        #expect(configuration.problem == problem)
    }
}

/// Electors against the local cluster's Lease API: one leader at a time, a released lease
/// taken at once, a leader cut off from the API stops before anyone else can start.
@Suite(.serialized) struct LeaderElectorTests {
    /// What each elector reported, in order, with when.
    final class Timeline: Sendable {
        let entries = Mutex<[(identity: String, leading: Bool, at: ContinuousClock.Instant)]>([])
        func record(_ identity: String, _ leading: Bool) {
            entries.withLock { $0.append((identity, leading, .now)) }
        }
        var leaders: [String] {
            entries.withLock { entries in
                var leading: [String] = []
                for entry in entries {
                    if entry.leading {
                        leading.append(entry.identity)
                    } else {
                        leading.removeAll { $0 == entry.identity }
                    }
                }
                return leading
            }
        }
    }

    /// An API that fails every call while `cut` is set, as a network partition would.
    final class PartitionableAPI: KubernetesAPI {
        let base: any KubernetesAPI
        let cut = Mutex(false)
        init(_ base: any KubernetesAPI) { self.base = base }
        func send(_ request: APIRequest) async throws(KubernetesError) -> [UInt8] {
            if cut.withLock({ $0 }) { throw .transport("partitioned") }
            return try await base.send(request)
        }
        func stream(_ request: APIRequest) -> AsyncThrowingStream<[UInt8], any Error> {
            if cut.withLock({ $0 }) {
                return AsyncThrowingStream { $0.finish(throwing: KubernetesError.transport("partitioned")) }
            }
            return base.stream(request)
        }
    }

    static func elector(
        _ identity: String, api: any KubernetesAPI, timeline: Timeline, lease: Duration = .seconds(3)
    ) -> LeaderElector {
        var logger = Logger(label: "leader-election-test")
        logger.logLevel = .critical
        return LeaderElector(
            api: api,
            configuration: .init(
                namespace: "kafka", identity: identity, leaseDuration: lease, renewDeadline: .seconds(2),
                retryPeriod: .milliseconds(200)),
            logger: logger, onChange: { timeline.record(identity, $0) })
    }

    @Test func oneLeadsAndAReleasedLeaseIsTakenWithoutWaitingForItToExpire() async throws {
        let fixture = try await LocalClusterFixture.start()
        let timeline = Timeline()
        // A lease far longer than the test's wait: only the release can hand it over in time.
        let electors = ["a", "b", "c"].map {
            Self.elector($0, api: fixture.client, timeline: timeline, lease: .seconds(60))
        }
        let campaigns = electors.map { elector in
            Task { await elector.run { try? await Task.sleep(for: .seconds(3600)) } }
        }
        #expect(await waitUntil { timeline.leaders.count == 1 })
        // Through several renewals, while the others keep trying, nobody leads beside it.
        var renewals: Set<String> = []
        #expect(
            await waitUntil {
                let lease = try? await fixture.client.get(
                    Lease.self, namespace: "kafka", name: "kafka-operator-leader")
                if let renewed = lease?.spec?.renewTime { renewals.insert(renewed) }
                return renewals.count >= 4
            })
        let first = try #require(timeline.leaders.first)
        #expect(timeline.leaders == [first])
        let lease = try await fixture.client.get(
            Lease.self, namespace: "kafka", name: "kafka-operator-leader")
        #expect(lease.spec?.holderIdentity == first)

        let index = ["a", "b", "c"].firstIndex(of: first)!
        campaigns[index].cancel()
        await campaigns[index].value
        #expect(
            await waitUntil(timeout: .seconds(10)) {
                timeline.leaders.count == 1 && timeline.leaders != [first]
            })
        let second = try #require(timeline.leaders.first)
        let handedOver = try await fixture.client.get(
            Lease.self, namespace: "kafka", name: "kafka-operator-leader")
        #expect(handedOver.spec?.holderIdentity == second)
        #expect(handedOver.spec?.leaseTransitions == 1)
        for campaign in campaigns { campaign.cancel() }
        for campaign in campaigns { await campaign.value }
        #expect(timeline.leaders.isEmpty)
        await fixture.stop()
    }

    @Test func aLeaderRenewsWithOneWriteAndWatchesNothingWhileItLeads() async throws {
        let fixture = try await LocalClusterFixture.start()
        let timeline = Timeline()
        let counting = CountingKubernetesAPI(fixture.client)
        let elector = Self.elector("only", api: counting, timeline: timeline)
        let campaign = Task { await elector.run { try? await Task.sleep(for: .seconds(3600)) } }
        #expect(await waitUntil { timeline.leaders == ["only"] })
        counting.reset()
        var renewals: Set<String> = []
        #expect(
            await waitUntil {
                let lease = try? await fixture.client.get(
                    Lease.self, namespace: "kafka", name: "kafka-operator-leader")
                if let renewed = lease?.spec?.renewTime { renewals.insert(renewed) }
                return renewals.count >= 4
            })
        let counts = counting.reset()
        // Each renewal is a PUT of the lease last written: no GET before it, no watch beside it.
        #expect(counts.byMethod["GET", default: 0] == 0)
        #expect(counts.byMethod["PUT", default: 0] >= 3)
        #expect(counts.watches == 0)
        campaign.cancel()
        await campaign.value
        await fixture.stop()
    }

    @Test func aLeaseTakenBehindTheLeadersBackEndsItsTerm() async throws {
        let fixture = try await LocalClusterFixture.start()
        let timeline = Timeline()
        let elector = Self.elector("first", api: fixture.client, timeline: timeline, lease: .seconds(60))
        let campaign = Task { await elector.run { try? await Task.sleep(for: .seconds(3600)) } }
        #expect(await waitUntil { timeline.leaders == ["first"] })
        // Someone else writes the lease: the leader's next in-place renewal meets a conflict, it
        // reads the lease, sees another holder within its duration, and stops at its deadline.
        var lease = try await fixture.client.get(
            Lease.self, namespace: "kafka", name: "kafka-operator-leader")
        lease.spec?.holderIdentity = "intruder"
        _ = try await fixture.client.update(lease)
        #expect(await waitUntil(timeout: .seconds(10)) { timeline.leaders.isEmpty })
        #expect(!elector.leadership.isLeader)
        let after = try await fixture.client.get(
            Lease.self, namespace: "kafka", name: "kafka-operator-leader")
        #expect(after.spec?.holderIdentity == "intruder")
        campaign.cancel()
        await campaign.value
        await fixture.stop()
    }

    @Test func aLeaderCutOffFromTheAPIStopsBeforeAnotherCanStart() async throws {
        let fixture = try await LocalClusterFixture.start()
        let timeline = Timeline()
        let cutOff = PartitionableAPI(fixture.client)
        let first = Self.elector("first", api: cutOff, timeline: timeline)
        let refused = Mutex<Int>(0)
        let writes = LeaderOnlyWrites(fixture.client, leadership: first.leadership)
        let campaign = Task {
            await first.run {
                // The leader's work: keep writing a ConfigMap as long as the writes are allowed.
                var object = ConfigMap(
                    metadata: ObjectMeta(name: "work", namespace: "kafka"), data: ["n": "0"])
                while !Task.isCancelled {
                    do {
                        object = try await writes.create(object)
                        try await writes.delete(.configMaps, namespace: "kafka", name: "work")
                    } catch {
                        refused.withLock { $0 += 1 }
                    }
                    object.metadata.resourceVersion = nil
                    try? await Task.sleep(for: .milliseconds(50))
                }
            }
        }
        #expect(await waitUntil { timeline.leaders == ["first"] })
        cutOff.cut.withLock { $0 = true }
        let second = Self.elector("second", api: fixture.client, timeline: timeline)
        let rival = Task { await second.run { try? await Task.sleep(for: .seconds(3600)) } }
        #expect(await waitUntil(timeout: .seconds(15)) { timeline.leaders == ["second"] })
        // The deposed leader's term ended before the rival's began, and from then on its
        // writes are refused before they are sent.
        let entries = timeline.entries.withLock { $0 }
        let firstLost = try #require(entries.first { $0.identity == "first" && !$0.leading }?.at)
        let secondWon = try #require(entries.first { $0.identity == "second" && $0.leading }?.at)
        #expect(firstLost < secondWon)
        #expect(!first.leadership.isLeader)
        await #expect(throws: KubernetesError.self) {
            _ = try await writes.create(ConfigMap(metadata: ObjectMeta(name: "late", namespace: "kafka")))
        }
        await #expect(throws: KubernetesError.self) {
            _ = try await fixture.client.get(ConfigMap.self, namespace: "kafka", name: "late")
        }
        campaign.cancel()
        rival.cancel()
        await campaign.value
        await rival.value
        await fixture.stop()
    }
}
