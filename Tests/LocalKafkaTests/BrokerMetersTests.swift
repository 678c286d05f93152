import LocalKafka
import Testing

/// The brokers' JMX-exporter view of the simulated cluster: byte counters integrate the
/// synthetic rates of the partitions each broker leads over simulated time, restart from zero
/// with the broker, and the controller alone reports controller gauges.
@Suite struct BrokerMetersTests {
    /// Brokers 0, 1 and 2; `t` with one partition on [0, 1, 2] (leader 0) taking in 1,000 B/s
    /// and giving out 3,000 B/s; `single` on [2] alone, idle.
    static func simulation(clock: ManualClock) throws -> ClusterSimulation {
        var cluster = SimulatedCluster(
            now: clock.nowMilliseconds(),
            timing: .init(catchUpDelayMilliseconds: 1_000, replicationBytesPerSecond: 1_000))
        for id: Int32 in 0...2 {
            try cluster.addBroker(SimulatedBroker(id: id, host: "b\(id)", logDirs: ["/d\(id)"]))
        }
        try cluster.createTopic(
            "t", assignment: [[0, 1, 2]], sizeBytes: 10_000, bytesInPerSecond: 1_000, bytesOutPerSecond: 3_000
        )
        try cluster.createTopic("single", assignment: [[2]], sizeBytes: 500)
        return ClusterSimulation(cluster: cluster, clock: clock)
    }

    static func stop(_ id: Int32, _ simulation: ClusterSimulation) async throws {
        try await simulation.update { (cluster) throws(SimulatedClusterError) in try cluster.stopBroker(id) }
    }

    static func start(_ id: Int32, _ simulation: ClusterSimulation) async throws {
        try await simulation.update { (cluster) throws(SimulatedClusterError) in try cluster.startBroker(id) }
    }

    static func topic(_ sample: BrokerMetricsSample?, _ topic: String) -> Double? {
        sample?.topicBytesIn.first { $0.topic == topic }?.bytes
    }

    @Test func bytesCountTheLeadersRateTimesSimulatedTime() async throws {
        let clock = ManualClock()
        let simulation = try Self.simulation(clock: clock)
        clock.advance(milliseconds: 10_000)
        let leader = try #require(await simulation.brokerMetrics(0))
        #expect(leader.bytesIn == 10_000)
        #expect(leader.bytesOut == 30_000)
        #expect(Self.topic(leader, "t") == 10_000)
        // Followers take no client traffic (replication is not BytesInPerSec).
        #expect(await simulation.brokerMetrics(1)?.bytesIn == 0)
        #expect(await simulation.brokerMetrics(1)?.topicBytesIn.isEmpty == true)

        // A new rate counts from the instant it is set; what was counted stays.
        try await simulation.update { (cluster) throws(SimulatedClusterError) in
            try cluster.setLoad(
                TopicPartition("t", 0), sizeBytes: 10_000, bytesInPerSecond: 250, bytesOutPerSecond: 0)
        }
        clock.advance(milliseconds: 4_000)
        let later = try #require(await simulation.brokerMetrics(0))
        #expect(later.bytesIn == 11_000)
        #expect(later.bytesOut == 30_000)
        // Asking again without time passing changes nothing.
        #expect(await simulation.brokerMetrics(0)?.bytesIn == 11_000)
    }

    @Test func countingFollowsLeadershipWhenTheLeaderStops() async throws {
        let clock = ManualClock()
        let simulation = try Self.simulation(clock: clock)
        clock.advance(milliseconds: 2_000)
        try await Self.stop(0, simulation)
        #expect(await simulation.brokerMetrics(0) == nil)
        clock.advance(milliseconds: 5_000)
        let newLeader = try #require(await simulation.brokerMetrics(1))
        #expect(newLeader.bytesIn == 5_000)
        #expect(Self.topic(newLeader, "t") == 5_000)
        #expect(newLeader.leaderCount == 1)
    }

    @Test func aRestartedBrokerCountsFromZeroAgain() async throws {
        let clock = ManualClock()
        let simulation = try Self.simulation(clock: clock)
        clock.advance(milliseconds: 3_000)
        #expect(await simulation.brokerMetrics(0)?.bytesIn == 3_000)
        try await Self.stop(0, simulation)
        clock.advance(milliseconds: 1_000)
        try await Self.start(0, simulation)
        let restarted = try #require(await simulation.brokerMetrics(0))
        #expect(restarted.bytesIn == 0)
        #expect(restarted.isrShrinks == 0)
        #expect(restarted.startedAt == clock.nowMilliseconds())
        // Back in sync and preferred leader again, it counts from that instant on.
        clock.advance(milliseconds: 1_000)
        try await simulation.update { (cluster) throws(SimulatedClusterError) in
            cluster.electPreferredLeader(TopicPartition("t", 0))
        }
        clock.advance(milliseconds: 2_000)
        #expect(await simulation.brokerMetrics(0)?.bytesIn == 2_000)
    }

    @Test func countersNeverGoBackAcrossChanges() async throws {
        let clock = ManualClock()
        let simulation = try Self.simulation(clock: clock)
        var last: [Int32: Double] = [:]
        for step in 0..<12 {
            clock.advance(milliseconds: 700)
            if step == 4 { try await Self.stop(2, simulation) }
            if step == 6 { try await Self.start(2, simulation) }
            if step == 8 {
                try await simulation.update { (cluster) throws(SimulatedClusterError) in
                    try cluster.reassign(TopicPartition("t", 0), to: [1, 0, 2])
                    cluster.electPreferredLeader(TopicPartition("t", 0))
                }
            }
            for id: Int32 in [0, 1] {
                let bytes = try #require(await simulation.brokerMetrics(id)).bytesIn
                #expect(bytes >= last[id, default: 0], "broker \(id) step \(step)")
                last[id] = bytes
            }
        }
        #expect(last[1, default: 0] > 0)
    }

    @Test func onlyTheControllerReportsControllerGauges() async throws {
        let clock = ManualClock()
        let simulation = try Self.simulation(clock: clock)
        #expect(await simulation.brokerMetrics(0)?.activeControllerCount == 1)
        #expect(await simulation.brokerMetrics(1)?.activeControllerCount == 0)
        // Broker 2 holds `single` alone: it goes offline, which the controller counts.
        try await Self.stop(2, simulation)
        #expect(await simulation.brokerMetrics(0)?.offlinePartitionsCount == 1)
        #expect(await simulation.brokerMetrics(1)?.offlinePartitionsCount == 0)
        // The controller goes: the next lowest broker takes over both gauges.
        try await Self.stop(0, simulation)
        let controller = try #require(await simulation.brokerMetrics(1))
        #expect(controller.activeControllerCount == 1)
        #expect(controller.offlinePartitionsCount == 1)
    }

    @Test func theLeaderCountsISRShrinksAndExpandsAndUnderReplicatedPartitions() async throws {
        let clock = ManualClock()
        let simulation = try Self.simulation(clock: clock)
        try await Self.stop(2, simulation)
        let shrunk = try #require(await simulation.brokerMetrics(0))
        #expect(shrunk.isrShrinks == 1)
        #expect(shrunk.underReplicatedPartitions == 1)
        #expect(shrunk.partitionCount == 1)
        #expect(await simulation.brokerMetrics(1)?.isrShrinks == 0)
        try await Self.start(2, simulation)
        #expect(await simulation.brokerMetrics(0)?.isrExpands == 0)
        clock.advance(milliseconds: 1_000)  // the catch-up delay
        let expanded = try #require(await simulation.brokerMetrics(0))
        #expect(expanded.isrExpands == 1)
        #expect(expanded.underReplicatedPartitions == 0)
        // Broker 2 led `single` again as soon as it came back, with a fresh process.
        let two = try #require(await simulation.brokerMetrics(2))
        #expect(two.leaderCount == 1)
        #expect(two.partitionCount == 2)
        #expect(two.isrExpands == 0)
    }

    @Test func aReassignmentsNewReplicaGrowsAndItsRemovedOnesAreNoShrink() async throws {
        let clock = ManualClock()
        let simulation = try Self.simulation(clock: clock)
        // `single` (500 bytes) moves from broker 2 to broker 0 at 1,000 B/s: half a second.
        try await simulation.update { (cluster) throws(SimulatedClusterError) in
            try cluster.reassign(TopicPartition("single", 0), to: [0])
        }
        #expect(await simulation.brokerMetrics(0)?.logSize(TopicPartition("single", 0)) == 0)
        clock.advance(milliseconds: 200)
        #expect(await simulation.brokerMetrics(0)?.logSize(TopicPartition("single", 0)) == 200)
        clock.advance(milliseconds: 300)
        let after = try #require(await simulation.brokerMetrics(0))
        #expect(after.logSize(TopicPartition("single", 0)) == 500)
        #expect(after.hosted == [TopicPartition("single", 0), TopicPartition("t", 0)])
        #expect(await simulation.brokerMetrics(2)?.hosted == [TopicPartition("t", 0)])
        #expect(await simulation.brokerMetrics(2)?.isrShrinks == 0)
    }

    @Test func aDeletedTopicsSeriesGoWhileTheTotalsStay() async throws {
        let clock = ManualClock()
        let simulation = try Self.simulation(clock: clock)
        clock.advance(milliseconds: 1_000)
        try await simulation.update { (cluster) throws(SimulatedClusterError) in try cluster.deleteTopic("t")
        }
        clock.advance(milliseconds: 1_000)
        let leader = try #require(await simulation.brokerMetrics(0))
        #expect(leader.topicBytesIn.isEmpty)
        #expect(leader.bytesIn == 1_000)
        #expect(leader.partitionCount == 0)
    }
}
