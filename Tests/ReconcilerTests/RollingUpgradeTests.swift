import ClusterModel
import KafkaAdmin
import KafkaProtocol
import Testing

@testable import Reconciler

/// The rolling upgrade's decisions, pass by pass, without an API server or Kafka.
struct RollingUpgradeTests {
    static let t0: Int64 = 1_800_000_000_000

    static func healthy(controller: Int32? = 0) -> RollingUpgrade.KafkaView {
        .known(.init(controller: controller, offlinePartitions: 0, outOfSyncBrokers: []))
    }

    static func observation(
        outdated: Set<Int32>, unavailable: Set<Int32> = [], brokers: Set<Int32> = [0, 1, 2, 3, 4, 5],
        kafka: RollingUpgrade.KafkaView = healthy(), racks: [Int32: String] = [:], concurrent: Int = 1,
        alerts: Int = 0, threshold: Int = 1, task: Bool = false, now: Int64 = t0
    ) -> RollingUpgrade.Observation {
        .init(
            outdated: outdated, unavailable: unavailable, racks: racks, brokers: brokers, kafka: kafka,
            firingAlerts: alerts, gracefulTaskUnderWay: task, failureThreshold: threshold,
            concurrentPerRack: concurrent, now: now, pauseLimitMilliseconds: 60_000)
    }

    @Test func nothingOutdatedIsIdleAndLeavesNoTrace() {
        var upgrade = RollingUpgrade(status: nil)
        #expect(upgrade.next(Self.observation(outdated: [])) == .idle)
        #expect(!upgrade.isActive)
        #expect(upgrade.announcements.isEmpty)
        #expect(upgrade.status.restarting == nil)
    }

    @Test func restartsOneBrokerAtATimeTheControllerLast() {
        var upgrade = RollingUpgrade(status: nil)
        var outdated: Set<Int32> = [0, 1, 2, 3]
        var order: [Int32] = []
        var now = Self.t0
        while !outdated.isEmpty {
            now += 1_000
            // The controller is broker 0 throughout.
            let step = upgrade.next(Self.observation(outdated: outdated, brokers: [0, 1, 2, 3], now: now))
            guard case .restart(let batch) = step else {
                Issue.record("expected a restart, got \(step)")
                return
            }
            #expect(batch.count == 1)
            #expect(upgrade.status.restarting == batch)
            order += batch
            outdated.subtract(batch)
        }
        #expect(order == [1, 2, 3, 0])
        // The last one back ends the upgrade.
        #expect(upgrade.next(Self.observation(outdated: [], brokers: [0, 1, 2, 3], now: now + 1)) == .idle)
        #expect(upgrade.announcements == [.finished])
        #expect(upgrade.status.lastSuccess != nil)
        #expect(upgrade.status.restarting == nil)
    }

    @Test func waitsForTheRestartedBrokerToBeReadyAndBackInEveryISR() {
        var upgrade = RollingUpgrade(status: nil)
        #expect(upgrade.next(Self.observation(outdated: [1, 2])) == .restart([1]))
        // Its new pod is starting.
        let starting = upgrade.next(Self.observation(outdated: [2], unavailable: [1]))
        #expect(starting == .wait(.restartedBrokersNotBack(notReady: [1], outOfSync: [])))
        // Ready, but still catching up.
        let catchingUp = upgrade.next(
            Self.observation(
                outdated: [2],
                kafka: .known(.init(controller: 0, offlinePartitions: 0, outOfSyncBrokers: [1]))))
        #expect(catchingUp == .wait(.restartedBrokersNotBack(notReady: [], outOfSync: [1])))
        // The expected wait is no Warning.
        #expect(!upgrade.announcements.contains { if case .paused = $0 { true } else { false } })
        #expect(upgrade.next(Self.observation(outdated: [2])) == .restart([2]))
    }

    @Test(arguments: [
        (
            RollingUpgradeTests.observation(outdated: [1], task: true),
            RollingUpgrade.PauseReason.gracefulTaskUnderWay
        ),
        (RollingUpgradeTests.observation(outdated: [1], unavailable: [3]), .brokersUnavailable([3])),
        (
            RollingUpgradeTests.observation(outdated: [1], kafka: .unreadable("timed out")),
            .kafkaUnreadable("timed out")
        ),
        (
            RollingUpgradeTests.observation(
                outdated: [1],
                kafka: .known(.init(controller: 0, offlinePartitions: 2, outOfSyncBrokers: [4]))),
            .offlinePartitions(2)
        ),
        (
            RollingUpgradeTests.observation(
                outdated: [1],
                kafka: .known(.init(controller: 0, offlinePartitions: 0, outOfSyncBrokers: [4, 5]))),
            .replicasOutOfSync([4, 5])
        ),
        (
            RollingUpgradeTests.observation(outdated: [1], alerts: 1),
            .failureThreshold(errorCount: 1, threshold: 1, alerts: 1)
        ),
        (
            RollingUpgradeTests.observation(outdated: [1], alerts: 3, threshold: 2),
            .failureThreshold(errorCount: 3, threshold: 2, alerts: 3)
        ),
    ])
    func aClosedGatePausesWithItsReason(
        observed: RollingUpgrade.Observation, reason: RollingUpgrade.PauseReason
    ) {
        var upgrade = RollingUpgrade(status: nil)
        #expect(upgrade.next(observed) == .wait(reason))
        #expect(upgrade.status.pauseReason == reason.code)
        #expect(upgrade.status.restarting == nil)
        #expect(upgrade.announcements == [.started(brokers: [1]), .paused(reason)])
        #expect(upgrade.isActive)
    }

    @Test func alertsBelowTheThresholdDoNotPause() {
        var upgrade = RollingUpgrade(status: nil)
        #expect(upgrade.next(Self.observation(outdated: [1], alerts: 1, threshold: 2)) == .restart([1]))
        #expect(upgrade.status.errorCount == 1)
    }

    @Test func aPauseIsAnnouncedOnceThenOnceMoreWhenTooLongAndItResumesByItself() {
        var upgrade = RollingUpgrade(status: nil)
        let firing = { (now: Int64) in Self.observation(outdated: [1, 2], alerts: 1, now: now) }
        _ = upgrade.next(firing(Self.t0))
        #expect(upgrade.announcements.count == 2)
        _ = upgrade.next(firing(Self.t0 + 30_000))
        #expect(upgrade.announcements.isEmpty)
        _ = upgrade.next(firing(Self.t0 + 61_000))
        #expect(
            upgrade.announcements == [
                .pausedTooLong(
                    .failureThreshold(errorCount: 1, threshold: 1, alerts: 1), milliseconds: 61_000)
            ])
        #expect(upgrade.status.pauseReported == true)
        _ = upgrade.next(firing(Self.t0 + 200_000))
        #expect(upgrade.announcements.isEmpty)
        // Resolved: the upgrade carries on.
        #expect(upgrade.next(Self.observation(outdated: [1, 2], now: Self.t0 + 201_000)) == .restart([1]))
        #expect(
            upgrade.announcements == [
                .resumed(afterMilliseconds: 201_000, reason: "FailureThresholdReached"), .restarting([1]),
            ])
        #expect(upgrade.status.pauseReason == nil)
    }

    @Test func aBrokerThatNeverComesBackHoldsTheUpgradeForGood() {
        var upgrade = RollingUpgrade(status: nil)
        #expect(upgrade.next(Self.observation(outdated: [1, 2, 3])) == .restart([1]))
        let stuck = RollingUpgrade.KafkaView.known(
            .init(controller: 0, offlinePartitions: 0, outOfSyncBrokers: [1]))
        var long = 0
        for minute in 1...120 {
            let step = upgrade.next(
                Self.observation(outdated: [2, 3], kafka: stuck, now: Self.t0 + Int64(minute) * 60_000))
            #expect(step == .wait(.restartedBrokersNotBack(notReady: [], outOfSync: [1])))
            long += upgrade.announcements.filter { if case .pausedTooLong = $0 { true } else { false } }.count
        }
        #expect(long == 1)
        #expect(upgrade.status.restarting == [1])
    }

    @Test func brokersOfOneRackRestartTogetherUpToTheLimit() {
        let racks: [Int32: String] = [0: "a", 1: "b", 2: "c", 3: "a", 4: "b", 5: "c"]
        var upgrade = RollingUpgrade(status: nil)
        var outdated: Set<Int32> = [0, 1, 2, 3, 4, 5]
        var batches: [[Int32]] = []
        while !outdated.isEmpty {
            guard
                case .restart(let batch) = upgrade.next(
                    Self.observation(outdated: outdated, racks: racks, concurrent: 2))
            else {
                Issue.record("expected a restart")
                return
            }
            #expect(Set(batch.map { racks[$0] }).count == 1)
            batches.append(batch)
            outdated.subtract(batch)
        }
        // Broker 0 is the controller: its rack-mate 3 goes with the others, 0 alone at the end.
        #expect(batches == [[1, 4], [2, 5], [3], [0]])
    }

    @Test func withoutEveryRackKnownBrokersGoOneByOne() {
        var upgrade = RollingUpgrade(status: nil)
        let step = upgrade.next(
            Self.observation(outdated: [1, 4], racks: [1: "b", 4: "b"], concurrent: 3))
        #expect(step == .restart([1]))
    }

    @Test func aFreshStartFromTheStoredStatusRestartsNobodyTwice() {
        var first = RollingUpgrade(status: nil)
        #expect(first.next(Self.observation(outdated: [1, 2])) == .restart([1]))
        // Another operator reads what the first stored; broker 1's new pod is still starting.
        var second = RollingUpgrade(status: first.status)
        #expect(
            second.next(Self.observation(outdated: [2], unavailable: [1]))
                == .wait(.restartedBrokersNotBack(notReady: [1], outOfSync: [])))
        #expect(second.announcements.isEmpty)
        #expect(second.next(Self.observation(outdated: [2])) == .restart([2]))
    }

    @Test func healthFromMetadataCountsBrokersOutOfSync() {
        let partitions = [
            MetadataResponse.Partition(
                partitionIndex: 0, leaderId: 0, replicaNodes: [0, 1, 2], isrNodes: [0, 1, 2]),
            MetadataResponse.Partition(
                partitionIndex: 1, leaderId: 1, replicaNodes: [1, 2, 3], isrNodes: [1, 2]),
            MetadataResponse.Partition(
                partitionIndex: 2, leaderId: -1, replicaNodes: [3, 4, 5], isrNodes: [3]),
        ]
        let report = ClusterHealthReport(
            metadata: MetadataResponse(
                brokers: (0..<6).map { MetadataResponse.Broker(nodeId: $0, host: "b\($0)", port: 9092) },
                clusterId: "c", controllerId: 0,
                topics: [MetadataResponse.Topic(name: "t", partitions: partitions)]))
        let health = RollingUpgrade.KafkaHealth(report: report)
        #expect(health.offlinePartitions == 1)
        #expect(health.outOfSyncBrokers == [3, 4, 5])
    }
}
