/// The simulated cluster local mode starts with: the brokers of `examples/kafkacluster.yaml`
/// (0 and 1 with one disk, 2 with two) and a few topics with synthetic load, three at
/// replication factor 3 and one at replication factor 1, whose partitions have a single copy.
public enum ExampleCluster {
    /// A topic of the seed: partition count, replication factor and per-partition load.
    public struct SeedTopic: Sendable {
        public var name: String
        public var partitions: Int
        public var replicationFactor: Int
        public var sizeBytes: Int64
        public var bytesInPerSecond: Double
        public var bytesOutPerSecond: Double
        public var minInSyncReplicas: Int
    }

    public static let topics: [SeedTopic] = [
        SeedTopic(
            name: "orders", partitions: 6, replicationFactor: 3, sizeBytes: 256 << 20,
            bytesInPerSecond: 200_000,
            bytesOutPerSecond: 400_000, minInSyncReplicas: 2),
        SeedTopic(
            name: "payments", partitions: 3, replicationFactor: 3, sizeBytes: 64 << 20,
            bytesInPerSecond: 50_000,
            bytesOutPerSecond: 100_000, minInSyncReplicas: 2),
        SeedTopic(
            name: "inventory", partitions: 4, replicationFactor: 3, sizeBytes: 32 << 20,
            bytesInPerSecond: 20_000,
            bytesOutPerSecond: 20_000, minInSyncReplicas: 2),
        SeedTopic(
            name: "audit-log", partitions: 3, replicationFactor: 1, sizeBytes: 128 << 20,
            bytesInPerSecond: 80_000,
            bytesOutPerSecond: 10_000, minInSyncReplicas: 1),
    ]

    /// The example's brokers as Koperator names them (`<cluster>-<id>.<cluster>-headless...`),
    /// with `log.dirs` as the operator renders them (`<mountPath>/kafka`).
    public static func brokers(cluster: String = "kafka", namespace: String = "kafka") -> [SimulatedBroker] {
        let disks: [Int32: [String]] = [
            0: ["/kafka-logs"], 1: ["/kafka-logs"], 2: ["/kafka-logs", "/kafka-logs-2"],
        ]
        return disks.keys.sorted().map { id in
            SimulatedBroker(
                id: id, host: "\(cluster)-\(id).\(cluster)-headless.\(namespace).svc.cluster.local",
                logDirs: disks[id]!.map { "\($0)/kafka" })
        }
    }

    /// The seeded cluster at simulated time `now` (ms since the epoch). Replicas are placed
    /// round robin, so leaders and replicas start evenly spread.
    public static func cluster(
        now: Int64, brokers: [SimulatedBroker] = brokers(), topics: [SeedTopic] = topics,
        timing: SimulatedCluster.Timing = .init()
    ) throws(SimulatedClusterError) -> SimulatedCluster {
        var cluster = SimulatedCluster(now: now, timing: timing)
        for broker in brokers { try cluster.addBroker(broker) }
        let ids = brokers.map(\.id).sorted()
        var offset = 0
        for topic in topics {
            let assignment = (0..<topic.partitions).map { index in
                (0..<min(topic.replicationFactor, ids.count)).map { ids[(offset + index + $0) % ids.count] }
            }
            offset += topic.partitions
            try cluster.createTopic(
                topic.name, assignment: assignment, sizeBytes: topic.sizeBytes,
                bytesInPerSecond: topic.bytesInPerSecond, bytesOutPerSecond: topic.bytesOutPerSecond,
                minInSyncReplicas: topic.minInSyncReplicas)
        }
        return cluster
    }
}
