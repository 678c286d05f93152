/// `GET /kafka_cluster_state`: replicas, leaders and log directories per broker, and the
/// partitions that are not healthy (all of them with `verbose`).
public struct KafkaClusterState: Equatable, Sendable {
    public struct Broker: Equatable, Sendable {
        public var replicas: Int
        public var leaders: Int
        public var outOfSyncReplicas: Int
        public var offlineReplicas: Int
        public var isController: Bool
        public var onlineLogDirs: [String]
        public var offlineLogDirs: [String]

        public init(
            replicas: Int, leaders: Int, outOfSyncReplicas: Int = 0, offlineReplicas: Int = 0,
            isController: Bool = false, onlineLogDirs: [String] = [], offlineLogDirs: [String] = []
        ) {
            self.replicas = replicas
            self.leaders = leaders
            self.outOfSyncReplicas = outOfSyncReplicas
            self.offlineReplicas = offlineReplicas
            self.isController = isController
            self.onlineLogDirs = onlineLogDirs
            self.offlineLogDirs = offlineLogDirs
        }
    }

    public struct Summary: Equatable, Sendable {
        public var brokers: Int
        public var topics: Int
        public var replicas: Int
        public var leaders: Int

        public init(brokers: Int, topics: Int, replicas: Int, leaders: Int) {
            self.brokers = brokers
            self.topics = topics
            self.replicas = replicas
            self.leaders = leaders
        }
    }

    public struct Partition: Equatable, Sendable {
        public var topic: String
        public var partition: Int32
        /// -1 when it has none.
        public var leader: Int32
        public var replicas: [Int32]
        public var inSync: [Int32]
        public var outOfSync: [Int32]
        public var offline: [Int32]
        public var minInSyncReplicas: Int

        public init(
            topic: String, partition: Int32, leader: Int32, replicas: [Int32], inSync: [Int32],
            outOfSync: [Int32] = [], offline: [Int32] = [], minInSyncReplicas: Int = 1
        ) {
            self.topic = topic
            self.partition = partition
            self.leader = leader
            self.replicas = replicas
            self.inSync = inSync
            self.outOfSync = outOfSync
            self.offline = offline
            self.minInSyncReplicas = minInSyncReplicas
        }
    }

    /// The brokers Cruise Control counts replicas on, by id.
    public var brokers: [Int32: Broker]
    public var summary: Summary
    public var offlinePartitions: [Partition]
    public var partitionsWithOfflineReplicas: [Partition]
    public var underReplicatedPartitions: [Partition]
    public var underMinISRPartitions: [Partition]
    /// The healthy partitions; only with `verbose`.
    public var otherPartitions: [Partition]

    public init(
        brokers: [Int32: Broker], summary: Summary, offlinePartitions: [Partition] = [],
        partitionsWithOfflineReplicas: [Partition] = [], underReplicatedPartitions: [Partition] = [],
        underMinISRPartitions: [Partition] = [], otherPartitions: [Partition] = []
    ) {
        self.brokers = brokers
        self.summary = summary
        self.offlinePartitions = offlinePartitions
        self.partitionsWithOfflineReplicas = partitionsWithOfflineReplicas
        self.underReplicatedPartitions = underReplicatedPartitions
        self.underMinISRPartitions = underMinISRPartitions
        self.otherPartitions = otherPartitions
    }

    init(_ reader: ResponseReader) throws {
        let state = try reader.field("KafkaBrokerState")
        let replicas = try state.field("ReplicaCountByBrokerId").byBroker { try $0.int() }
        let leaders = try state.field("LeaderCountByBrokerId").byBroker { try $0.int() }
        let outOfSync = try state.field("OutOfSyncCountByBrokerId").byBroker { try $0.int() }
        let offline = try state.field("OfflineReplicaCountByBrokerId").byBroker { try $0.int() }
        let controller = try state.field("IsController").byBroker { try $0.bool() }
        let online = try state.field("OnlineLogDirsByBrokerId").byBroker { try $0.strings() }
        let offlineDirs = try state.field("OfflineLogDirsByBrokerId").byBroker { try $0.strings() }
        var brokers: [Int32: Broker] = [:]
        for (id, count) in replicas {
            brokers[id] = Broker(
                replicas: count, leaders: leaders[id] ?? 0, outOfSyncReplicas: outOfSync[id] ?? 0,
                offlineReplicas: offline[id] ?? 0, isController: controller[id] ?? false,
                onlineLogDirs: online[id] ?? [], offlineLogDirs: offlineDirs[id] ?? [])
        }
        self.brokers = brokers
        let summary = try state.field("Summary")
        self.summary = Summary(
            brokers: try summary.field("Brokers").int(), topics: try summary.field("Topics").int(),
            replicas: try summary.field("Replicas").int(), leaders: try summary.field("Leaders").int())
        let partitions = try reader.field("KafkaPartitionState")
        func list(_ key: String, required: Bool = true) throws -> [Partition] {
            let member = required ? try partitions.field(key) : try partitions.optionalField(key)
            return try member?.list { try Self.partition($0) } ?? []
        }
        offlinePartitions = try list("offline")
        partitionsWithOfflineReplicas = try list("with-offline-replicas")
        underReplicatedPartitions = try list("urp")
        underMinISRPartitions = try list("under-min-isr")
        otherPartitions = try list("other", required: false)
    }

    private static func partition(_ reader: ResponseReader) throws -> Partition {
        Partition(
            topic: try reader.field("topic").string(), partition: try reader.field("partition").int32(),
            leader: try reader.field("leader").int32(), replicas: try reader.field("replicas").int32s(),
            inSync: try reader.field("in-sync").int32s(), outOfSync: try reader.field("out-of-sync").int32s(),
            offline: try reader.field("offline").int32s(),
            minInSyncReplicas: try reader.field("min-isr").int())
    }
}
