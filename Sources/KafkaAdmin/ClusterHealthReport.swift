import KafkaProtocol

/// Whether the cluster can take a risky step (scale down, disk add, restart): every partition
/// has a leader and a full in-sync replica set, brokers are registered and a controller is known.
public struct ClusterHealthReport: Sendable, Equatable, Codable, CustomStringConvertible {
    public struct PartitionState: Sendable, Equatable, Codable {
        public var topic: String
        public var partition: Int32
        public var leader: Int32
        public var replicas: [Int32]
        public var inSyncReplicas: [Int32]
        public var offlineReplicas: [Int32]
    }

    /// How many partition replicas a registered broker holds, and how many of them it leads.
    public struct BrokerShare: Sendable, Equatable, Codable {
        public var broker: Int32
        public var replicas: Int
        public var leaders: Int

        public init(broker: Int32, replicas: Int, leaders: Int) {
            self.broker = broker
            self.replicas = replicas
            self.leaders = leaders
        }
    }

    public struct TopicProblem: Sendable, Equatable, Codable {
        public var topic: String
        public var error: String
    }

    public var clusterId: String?
    /// nil when no broker knows the controller.
    public var controllerId: Int32?
    public var brokers: [Int32]
    /// Each registered broker's replicas and leaderships, by broker id.
    public var shares: [BrokerShare]
    /// Brokers the caller expected that are not registered.
    public var missingBrokers: [Int32]
    public var topicCount: Int
    public var partitionCount: Int
    /// Partitions without a leader: unavailable to clients.
    public var offlinePartitions: [PartitionState]
    /// Partitions with a leader but fewer in-sync replicas than replicas.
    public var underReplicatedPartitions: [PartitionState]
    public var topicProblems: [TopicProblem]
    public var isHealthy: Bool

    /// `expectedBrokers` are the brokers the cluster should have (from the cluster spec); any of
    /// them not registered makes the cluster unhealthy.
    public init(metadata: MetadataResponse, expectedBrokers: [Int32] = []) {
        clusterId = metadata.clusterId
        controllerId = metadata.controllerId >= 0 ? metadata.controllerId : nil
        brokers = metadata.brokers.map(\.nodeId).sorted()
        missingBrokers = Set(expectedBrokers).subtracting(brokers).sorted()
        topicCount = metadata.topics.count
        var partitions = 0
        var offline: [PartitionState] = []
        var underReplicated: [PartitionState] = []
        var problems: [TopicProblem] = []
        var replicaCounts: [Int32: Int] = [:]
        var leaderCounts: [Int32: Int] = [:]
        for topic in metadata.topics.sorted(by: { ($0.name ?? "") < ($1.name ?? "") }) {
            let name = topic.name ?? "(unnamed)"
            if topic.errorCode != KafkaErrorCode.none {
                problems.append(TopicProblem(topic: name, error: KafkaErrorCode.name(topic.errorCode)))
            }
            for partition in topic.partitions.sorted(by: { $0.partitionIndex < $1.partitionIndex }) {
                partitions += 1
                for replica in Set(partition.replicaNodes) { replicaCounts[replica, default: 0] += 1 }
                if partition.leaderId >= 0 { leaderCounts[partition.leaderId, default: 0] += 1 }
                let state = PartitionState(
                    topic: name, partition: partition.partitionIndex, leader: partition.leaderId,
                    replicas: partition.replicaNodes, inSyncReplicas: partition.isrNodes,
                    offlineReplicas: partition.offlineReplicas)
                if partition.leaderId < 0 {
                    offline.append(state)
                } else if Set(partition.isrNodes).count < Set(partition.replicaNodes).count {
                    underReplicated.append(state)
                }
            }
        }
        partitionCount = partitions
        shares = brokers.map {
            BrokerShare(broker: $0, replicas: replicaCounts[$0] ?? 0, leaders: leaderCounts[$0] ?? 0)
        }
        offlinePartitions = offline
        underReplicatedPartitions = underReplicated
        topicProblems = problems
        isHealthy =
            controllerId != nil && !brokers.isEmpty && missingBrokers.isEmpty && offline.isEmpty
            && underReplicated.isEmpty && problems.isEmpty
    }

    /// A few lines for people: the verdict first, then what is wrong.
    public var description: String {
        var lines: [String] = []
        lines.append("cluster \(clusterId ?? "(unknown id)"): \(isHealthy ? "healthy" : "NOT healthy")")
        lines.append("controller: \(controllerId.map(String.init) ?? "none")")
        lines.append("brokers (\(brokers.count)): \(brokers.map(String.init).joined(separator: ", "))")
        if !missingBrokers.isEmpty {
            lines.append("missing brokers: \(missingBrokers.map(String.init).joined(separator: ", "))")
        }
        lines.append("topics: \(topicCount), partitions: \(partitionCount)")
        for share in shares {
            lines.append("  broker \(share.broker): \(share.replicas) replicas, \(share.leaders) leaders")
        }
        lines.append("offline partitions: \(offlinePartitions.count)")
        for state in offlinePartitions { lines.append("  \(Self.render(state))") }
        lines.append("under-replicated partitions: \(underReplicatedPartitions.count)")
        for state in underReplicatedPartitions { lines.append("  \(Self.render(state))") }
        for problem in topicProblems { lines.append("topic \(problem.topic): \(problem.error)") }
        return lines.joined(separator: "\n")
    }

    private static func render(_ state: PartitionState) -> String {
        func list(_ ids: [Int32]) -> String { "[" + ids.map(String.init).joined(separator: ",") + "]" }
        return
            "\(state.topic)-\(state.partition) leader \(state.leader) replicas \(list(state.replicas)) "
            + "isr \(list(state.inSyncReplicas))"
    }
}
