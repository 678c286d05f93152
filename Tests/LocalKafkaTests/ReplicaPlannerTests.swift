import LocalKafka
import Testing

@Suite struct ReplicaPlannerTests {
    static let start: Int64 = 1_700_000_000_000

    static func example(addingBroker id: Int32? = nil) throws -> SimulatedCluster {
        var cluster = try ExampleCluster.cluster(now: start)
        if let id {
            try cluster.addBroker(SimulatedBroker(id: id, host: "b\(id)", logDirs: ["/kafka-logs/kafka"]))
        }
        return cluster
    }

    static func applying(_ moves: [ReplicaMove], to cluster: SimulatedCluster) -> [TopicPartition: [Int32]] {
        var assignment = cluster.partitions.mapValues(\.replicas)
        for move in moves { assignment[move.partition] = move.newReplicas }
        return assignment
    }

    static func spread(_ assignment: [TopicPartition: [Int32]], brokers: [Int32]) -> (
        replicas: Int, leaders: Int
    ) {
        let replicas = brokers.map { id in assignment.values.filter { $0.contains(id) }.count }
        let leaders = brokers.map { id in assignment.values.filter { $0.first == id }.count }
        return (replicas.max()! - replicas.min()!, leaders.max()! - leaders.min()!)
    }

    @Test func addingABrokerMovesReplicasOntoItUntilCountsAreEven() throws {
        let cluster = try Self.example(addingBroker: 3)
        let moves = try ReplicaPlanner().plan(.addBrokers([3]), for: cluster)
        #expect(
            moves.allSatisfy { move in
                Set(move.newReplicas).subtracting(move.oldReplicas).isSubset(of: [3])
            })
        let after = Self.applying(moves, to: cluster)
        let spread = Self.spread(after, brokers: [0, 1, 2, 3])
        #expect(spread.replicas <= 1 && spread.leaders <= 1, "\(spread)")
    }

    @Test func removingABrokerEmptiesIt() throws {
        let cluster = try Self.example(addingBroker: 3)
        let moves = try ReplicaPlanner().plan(.removeBrokers([1], destinations: nil), for: cluster)
        let after = Self.applying(moves, to: cluster)
        #expect(after.values.allSatisfy { !$0.contains(1) })
        #expect(after.allSatisfy { $0.value.count == cluster.partitions[$0.key]!.replicas.count })
        #expect(moves.filter(\.isInterBroker).count == cluster.replicaCount(of: 1))
        #expect(moves.allSatisfy { $0.newReplicas.first != 1 })
    }

    @Test(arguments: [
        (
            "every broker removed", OptimizationRequest.removeBrokers([0, 1, 2], destinations: nil),
            PlanningError.allBrokersExcluded
        ),
        ("an unknown broker added", .addBrokers([7]), .unknownBrokers([7])),
        ("an unknown broker removed", .removeBrokers([7, 1], destinations: nil), .unknownBrokers([7])),
        (
            "two of three removed at replication factor 3", .removeBrokers([1, 2], destinations: nil),
            .insufficientBrokers(TopicPartition("inventory", 0), needed: 3, available: 1)
        ),
        ("an unknown disk", .removeDisks([2: ["/nope"]]), .unknownLogDir(broker: 2, logDir: "/nope")),
        (
            "a broker's every disk", .removeDisks([0: ["/kafka-logs/kafka"]]),
            .noLogDirLeft(broker: 0, logDir: "/kafka-logs/kafka")
        ),
    ])
    func refusals(_ row: (String, OptimizationRequest, PlanningError)) throws {
        #expect(throws: row.2, "\(row.0)") { try ReplicaPlanner().plan(row.1, for: try Self.example()) }
    }

    @Test func rebalancingDisksEvensTheDirectoriesOfBrokerTwo() throws {
        let cluster = try Self.example()
        let moves = try ReplicaPlanner().plan(.rebalanceDisks, for: cluster)
        #expect(!moves.isEmpty)
        #expect(moves.allSatisfy { $0.logDirChanges.keys.elementsEqual([2]) && !$0.isInterBroker })
        let second = moves.filter { $0.logDirChanges[2] == "/kafka-logs-2/kafka" }.count
        #expect(abs(cluster.replicaCount(of: 2) - 2 * second) <= 1)
    }

    @Test func removingADiskMovesEveryReplicaOffIt() throws {
        let cluster = try Self.example()
        let moves = try ReplicaPlanner().plan(.removeDisks([2: ["/kafka-logs/kafka"]]), for: cluster)
        #expect(moves.count == cluster.replicaCount(of: 2))
        #expect(moves.allSatisfy { $0.logDirChanges == [2: "/kafka-logs-2/kafka"] })
    }

    @Test func excludedTopicsStayWhereTheyAre() throws {
        let cluster = try Self.example(addingBroker: 3)
        let moves = try ReplicaPlanner(excludedTopicsPattern: "orders|pay.*").plan(
            .addBrokers([3]), for: cluster)
        #expect(!moves.isEmpty)
        #expect(moves.allSatisfy { !["orders", "payments"].contains($0.partition.topic) })
    }
}
