import LocalKafka

/// A large simulated cluster shaped as a production one: brokers in three racks with two or
/// three disks each, and topics of 3 to 100 partitions placed round robin as Kafka's replica
/// placer does without racks (leaders and followers spread evenly), each replica in one of its
/// broker's log directories in turn, with synthetic sizes and rates that differ per topic.
enum LargeCluster {
    /// Partition counts of the topics, in turn: many small topics, a few large ones.
    static let partitionCounts = [3, 6, 12, 24, 50, 100]

    static func brokers(_ count: Int) -> [SimulatedBroker] {
        (0..<Int32(count)).map { id in
            let disks = id % 4 == 3 ? 3 : 2
            return SimulatedBroker(
                id: id, host: "kafka-\(id).kafka-headless.kafka.svc.cluster.local", rack: "zone-\(id % 3)",
                logDirs: (0..<disks).map { $0 == 0 ? "/kafka-logs/kafka" : "/kafka-logs-\($0 + 1)/kafka" })
        }
    }

    /// A topic of the cluster: its partition count and per-partition load.
    struct Topic {
        var name: String
        var partitions: Int
        var sizeBytes: Int64
        var bytesInPerSecond: Double
        var bytesOutPerSecond: Double
    }

    /// Topics whose partitions add up to `partitions` exactly.
    static func topics(partitions: Int) -> [Topic] {
        var topics: [Topic] = []
        var left = partitions
        while left > 0 {
            let index = topics.count
            let count = min(left, partitionCounts[index % partitionCounts.count])
            left -= count
            let load = Double(index % 7 + 1)
            topics.append(
                Topic(
                    name: "\(["orders", "payments", "clicks", "audit", "inventory"][index % 5])-\(index)",
                    partitions: count, sizeBytes: Int64(index % 9 + 1) << 26, bytesInPerSecond: 10_000 * load,
                    bytesOutPerSecond: 25_000 * load))
        }
        return topics
    }

    /// The cluster at simulated time `now`, settled: every replica in sync and in its log
    /// directory.
    static func cluster(now: Int64, brokers count: Int, partitions: Int, replicationFactor: Int)
        throws(SimulatedClusterError) -> SimulatedCluster
    {
        let brokers = brokers(count)
        var cluster = SimulatedCluster(now: now)
        for broker in brokers { try cluster.addBroker(broker) }
        // Partition i of the whole cluster leads on broker i (mod count), its followers on the
        // next brokers: leaders and replicas spread evenly.
        var first = 0
        for topic in topics(partitions: partitions) {
            let assignment = (0..<topic.partitions).map { index in
                (0..<replicationFactor).map { Int32((first + index + $0) % count) }
            }
            first += topic.partitions
            try cluster.createTopic(
                topic.name, assignment: assignment, sizeBytes: topic.sizeBytes,
                bytesInPerSecond: topic.bytesInPerSecond, bytesOutPerSecond: topic.bytesOutPerSecond,
                minInSyncReplicas: min(2, replicationFactor))
        }
        // Replicas start in their broker's first directory; spread them over the others as
        // Kafka's log manager does (the directory with the fewest partitions), by moving them
        // at once.
        var held: [Int32: [Int]] = [:]
        for broker in brokers { held[broker.id] = Array(repeating: 0, count: broker.logDirs.count) }
        for key in cluster.sortedPartitions {
            for replica in cluster.partitions[key]!.replicas {
                let counts = held[replica]!
                let emptiest = counts.indices.min { counts[$0] < counts[$1] }!
                held[replica]![emptiest] += 1
                guard emptiest > 0 else { continue }
                try cluster.moveReplica(
                    key, broker: replica, toLogDir: cluster.brokers[replica]!.logDirs[emptiest],
                    bytesPerSecond: .infinity)
            }
        }
        cluster.advance(to: now + 1)
        return cluster
    }
}
