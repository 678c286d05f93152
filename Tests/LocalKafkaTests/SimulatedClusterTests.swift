import LocalKafka
import Testing

@Suite struct SimulatedClusterTests {
    static let start: Int64 = 1_700_000_000_000

    /// Three brokers, `t` at replication factor 3 on [0, 1, 2] and `single` at 1 on broker 1.
    static func cluster() throws -> SimulatedCluster {
        var cluster = SimulatedCluster(
            now: start, timing: .init(catchUpDelayMilliseconds: 1_000, replicationBytesPerSecond: 1_000))
        for id: Int32 in 0...2 {
            try cluster.addBroker(SimulatedBroker(id: id, host: "b\(id)", logDirs: ["/d\(id)"]))
        }
        try cluster.createTopic("t", assignment: [[0, 1, 2]], sizeBytes: 5_000)
        try cluster.createTopic("single", assignment: [[1]])
        return cluster
    }

    struct LossRow: Sendable, CustomTestStringConvertible {
        var name: String
        var stopped: [Int32]
        var leader: Int32?
        var isr: [Int32]
        var singleOffline: Bool
        var testDescription: String { name }
    }

    @Test(arguments: [
        LossRow(
            name: "a follower goes: ISR shrinks", stopped: [2], leader: 0, isr: [0, 1], singleOffline: false),
        LossRow(
            name: "the leader goes: the next in-sync replica leads", stopped: [0], leader: 1, isr: [1, 2],
            singleOffline: false),
        LossRow(
            name: "the only replica goes: offline", stopped: [1], leader: 0, isr: [0, 2], singleOffline: true),
        LossRow(
            name: "all go: the last ISR member stays, no leader", stopped: [0, 1, 2], leader: nil, isr: [2],
            singleOffline: true),
    ])
    func brokerLoss(_ row: LossRow) throws {
        var cluster = try Self.cluster()
        for id in row.stopped { try cluster.stopBroker(id) }
        let partition = try #require(cluster.partitions[TopicPartition("t", 0)])
        #expect(partition.leader == row.leader)
        #expect(partition.isr == row.isr)
        #expect(cluster.partitions[TopicPartition("single", 0)]!.isOffline == row.singleOffline)
        #expect(cluster.controller == cluster.aliveBrokerIDs.first)
    }

    @Test func aReturningBrokerRejoinsTheISRAfterTheCatchUpDelay() throws {
        var cluster = try Self.cluster()
        try cluster.stopBroker(0)
        try cluster.startBroker(0)
        let key = TopicPartition("t", 0)
        #expect(cluster.partitions[key]!.isr == [1, 2])
        #expect(cluster.partitions[key]!.leader == 1)
        cluster.advance(to: Self.start + 999)
        #expect(cluster.partitions[key]!.isr == [1, 2])
        cluster.advance(to: Self.start + 1_000)
        #expect(cluster.partitions[key]!.isr == [1, 2, 0])
        let elected = cluster.electPreferredLeader(key)
        #expect(elected)
        #expect(cluster.partitions[key]!.leader == 0)
    }

    @Test func anOfflinePartitionComesBackWithItsLastInSyncReplica() throws {
        var cluster = try Self.cluster()
        for id: Int32 in [0, 1, 2] { try cluster.stopBroker(id) }
        try cluster.startBroker(0)
        let key = TopicPartition("t", 0)
        #expect(cluster.partitions[key]!.isOffline, "broker 0 left the ISR before the others")
        try cluster.startBroker(2)
        #expect(cluster.partitions[key]!.leader == 2)
        cluster.advance(to: Self.start + 1_000)
        #expect(Set(cluster.partitions[key]!.isr) == [0, 2])
        #expect(cluster.partitions[TopicPartition("single", 0)]!.isOffline)
    }

    @Test func aReassignmentCopiesThenJoinsThenDropsTheOldReplica() throws {
        var cluster = try Self.cluster()
        try cluster.addBroker(SimulatedBroker(id: 3, host: "b3", logDirs: ["/d3"]))
        let key = TopicPartition("t", 0)
        try cluster.reassign(key, to: [3, 1, 2])
        #expect(cluster.partitions[key]!.replicas == [3, 1, 2, 0])
        #expect(throws: SimulatedClusterError.reassignmentInProgress(key)) {
            try cluster.reassign(key, to: [1, 2, 0])
        }
        cluster.advance(to: Self.start + 4_999)
        #expect(cluster.partitions[key]!.reassignment != nil)
        cluster.advance(to: Self.start + 5_000)  // 5,000 bytes at 1,000 bytes/s
        let partition = cluster.partitions[key]!
        #expect(partition.replicas == [3, 1, 2])
        #expect(partition.isr == [1, 2, 3])
        #expect(partition.leader == 3, "the old leader left; the first in-sync target replica leads")
        #expect(cluster.replicaCount(of: 0) == 0)
    }

    @Test(arguments: [
        ([Int32](), "no replicas"),
        ([0, 0, 1], "a broker appears twice in [0, 0, 1]"),
    ])
    func badAssignmentsAreRefusedAndChangeNothing(_ row: ([Int32], String)) throws {
        var cluster = try Self.cluster()
        let before = cluster
        #expect(throws: SimulatedClusterError.invalidAssignment(TopicPartition("t", 0), reason: row.1)) {
            try cluster.reassign(TopicPartition("t", 0), to: row.0)
        }
        #expect(throws: SimulatedClusterError.unknownBroker(9)) {
            try cluster.reassign(TopicPartition("t", 0), to: [9])
        }
        #expect(cluster == before)
    }

    @Test func theExampleSeedHasThreeBrokersAndOneUnreplicatedTopic() throws {
        let cluster = try ExampleCluster.cluster(now: Self.start)
        #expect(cluster.brokerIDs == [0, 1, 2])
        #expect(cluster.brokers[2]!.logDirs == ["/kafka-logs/kafka", "/kafka-logs-2/kafka"])
        let factors = Dictionary(grouping: cluster.partitions, by: \.key.topic).mapValues {
            $0[0].value.replicas.count
        }
        #expect(factors == ["orders": 3, "payments": 3, "inventory": 3, "audit-log": 1])
        let leaders = cluster.brokerIDs.map(cluster.leaderCount(of:))
        #expect(leaders.max()! - leaders.min()! <= 1)
        #expect(cluster.offlinePartitions.isEmpty && cluster.underReplicatedPartitions.isEmpty)
    }
}
