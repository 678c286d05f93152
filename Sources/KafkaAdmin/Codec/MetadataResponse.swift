/// What a broker knows about the cluster: brokers, controller, topics and their partitions.
public struct MetadataResponse: KafkaResponse, Equatable, Codable {
    public struct Broker: Sendable, Equatable, Codable {
        public var nodeId: Int32
        public var host: String
        public var port: Int32
        public var rack: String?

        public init(nodeId: Int32, host: String, port: Int32, rack: String? = nil) {
            self.nodeId = nodeId
            self.host = host
            self.port = port
            self.rack = rack
        }
    }

    public struct Partition: Sendable, Equatable, Codable {
        public var errorCode: Int16
        public var partitionIndex: Int32
        /// -1 when the partition has no leader.
        public var leaderId: Int32
        public var replicaNodes: [Int32]
        public var isrNodes: [Int32]
        public var offlineReplicas: [Int32]

        public init(
            errorCode: Int16 = 0, partitionIndex: Int32, leaderId: Int32, replicaNodes: [Int32],
            isrNodes: [Int32], offlineReplicas: [Int32] = []
        ) {
            self.errorCode = errorCode
            self.partitionIndex = partitionIndex
            self.leaderId = leaderId
            self.replicaNodes = replicaNodes
            self.isrNodes = isrNodes
            self.offlineReplicas = offlineReplicas
        }
    }

    public struct Topic: Sendable, Equatable, Codable {
        public var errorCode: Int16
        /// nil only in v12+ responses for topics asked for by id.
        public var name: String?
        public var isInternal: Bool
        public var partitions: [Partition]

        public init(errorCode: Int16 = 0, name: String?, isInternal: Bool = false, partitions: [Partition]) {
            self.errorCode = errorCode
            self.name = name
            self.isInternal = isInternal
            self.partitions = partitions
        }
    }

    public var brokers: [Broker]
    public var clusterId: String?
    /// -1 when the broker does not know the controller.
    public var controllerId: Int32
    public var topics: [Topic]

    public init(brokers: [Broker], clusterId: String?, controllerId: Int32, topics: [Topic]) {
        self.brokers = brokers
        self.clusterId = clusterId
        self.controllerId = controllerId
        self.topics = topics
    }

    public init(from reader: inout WireReader, version: Int16) throws {
        let flexible = MetadataRequest.isFlexible(version)
        if version >= 3 { _ = try reader.readInt32("throttle_time_ms") }
        brokers = try reader.readArray("brokers", flexible: flexible, minimumElementSize: 10) { reader in
            let nodeId = try reader.readInt32("brokers.node_id")
            let host = try reader.readString("brokers.host", flexible: flexible)
            let port = try reader.readInt32("brokers.port")
            let rack = try reader.readNullableString("brokers.rack", flexible: flexible)
            try reader.endStructure("brokers", flexible: flexible)
            return Broker(nodeId: nodeId, host: host, port: port, rack: rack)
        }
        clusterId = version >= 2 ? try reader.readNullableString("cluster_id", flexible: flexible) : nil
        controllerId = try reader.readInt32("controller_id")
        topics = try reader.readArray("topics", flexible: flexible, minimumElementSize: 4) { reader in
            try Self.readTopic(&reader, version: version, flexible: flexible)
        }
        if version >= 8 && version <= 10 { _ = try reader.readInt32("cluster_authorized_operations") }
        try reader.endStructure("MetadataResponse", flexible: flexible)
    }

    private static func readTopic(_ reader: inout WireReader, version: Int16, flexible: Bool) throws -> Topic
    {
        let errorCode = try reader.readInt16("topics.error_code")
        let name: String?
        if version >= 12 {
            name = try reader.readNullableString("topics.name", flexible: flexible)
        } else {
            name = try reader.readString("topics.name", flexible: flexible)
        }
        if version >= 10 { _ = try reader.readUUID("topics.topic_id") }
        let isInternal = try reader.readBool("topics.is_internal")
        let partitions = try reader.readArray("topics.partitions", flexible: flexible, minimumElementSize: 12)
        {
            reader in
            let errorCode = try reader.readInt16("partitions.error_code")
            let index = try reader.readInt32("partitions.partition_index")
            let leader = try reader.readInt32("partitions.leader_id")
            if version >= 7 { _ = try reader.readInt32("partitions.leader_epoch") }
            let replicas = try reader.readInt32Array("partitions.replica_nodes", flexible: flexible)
            let isr = try reader.readInt32Array("partitions.isr_nodes", flexible: flexible)
            let offline =
                version >= 5
                ? try reader.readInt32Array("partitions.offline_replicas", flexible: flexible) : []
            try reader.endStructure("partitions", flexible: flexible)
            return Partition(
                errorCode: errorCode, partitionIndex: index, leaderId: leader, replicaNodes: replicas,
                isrNodes: isr, offlineReplicas: offline)
        }
        if version >= 8 { _ = try reader.readInt32("topics.topic_authorized_operations") }
        try reader.endStructure("topics", flexible: flexible)
        return Topic(errorCode: errorCode, name: name, isInternal: isInternal, partitions: partitions)
    }
}
