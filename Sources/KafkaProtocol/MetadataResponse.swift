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
        /// v7+; -1 when unknown.
        public var leaderEpoch: Int32
        public var replicaNodes: [Int32]
        public var isrNodes: [Int32]
        public var offlineReplicas: [Int32]

        public init(
            errorCode: Int16 = 0, partitionIndex: Int32, leaderId: Int32, leaderEpoch: Int32 = -1,
            replicaNodes: [Int32], isrNodes: [Int32], offlineReplicas: [Int32] = []
        ) {
            self.errorCode = errorCode
            self.partitionIndex = partitionIndex
            self.leaderId = leaderId
            self.leaderEpoch = leaderEpoch
            self.replicaNodes = replicaNodes
            self.isrNodes = isrNodes
            self.offlineReplicas = offlineReplicas
        }
    }

    public struct Topic: Sendable, Equatable, Codable {
        public var errorCode: Int16
        /// nil only in v12+ responses for topics asked for by id.
        public var name: String?
        /// v10+; all zeros when unknown.
        public var topicId: [UInt8]
        public var isInternal: Bool
        public var partitions: [Partition]
        /// v8+; `Int32.min` when not asked for.
        public var topicAuthorizedOperations: Int32

        public init(
            errorCode: Int16 = 0, name: String?, topicId: [UInt8] = zeroUUID, isInternal: Bool = false,
            partitions: [Partition], topicAuthorizedOperations: Int32 = Int32.min
        ) {
            self.errorCode = errorCode
            self.name = name
            self.topicId = topicId
            self.isInternal = isInternal
            self.partitions = partitions
            self.topicAuthorizedOperations = topicAuthorizedOperations
        }
    }

    public var throttleTimeMs: Int32
    public var brokers: [Broker]
    public var clusterId: String?
    /// -1 when the broker does not know the controller.
    public var controllerId: Int32
    public var topics: [Topic]
    /// v8–v10; `Int32.min` when not asked for.
    public var clusterAuthorizedOperations: Int32

    public init(
        throttleTimeMs: Int32 = 0, brokers: [Broker], clusterId: String?, controllerId: Int32,
        topics: [Topic],
        clusterAuthorizedOperations: Int32 = Int32.min
    ) {
        self.throttleTimeMs = throttleTimeMs
        self.brokers = brokers
        self.clusterId = clusterId
        self.controllerId = controllerId
        self.topics = topics
        self.clusterAuthorizedOperations = clusterAuthorizedOperations
    }

    public init(from reader: inout WireReader, version: Int16) throws {
        let flexible = MetadataRequest.isFlexible(version)
        throttleTimeMs = version >= 3 ? try reader.readInt32("throttle_time_ms") : 0
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
        clusterAuthorizedOperations =
            version >= 8 && version <= 10 ? try reader.readInt32("cluster_authorized_operations") : Int32.min
        try reader.endStructure("MetadataResponse", flexible: flexible)
    }

    public func encode(into writer: inout WireWriter, version: Int16) throws {
        let flexible = MetadataRequest.isFlexible(version)
        if version >= 3 { writer.writeInt32(throttleTimeMs) }
        try writer.writeArray(brokers, flexible: flexible) { writer, broker in
            writer.writeInt32(broker.nodeId)
            try writer.writeString(broker.host, flexible: flexible, field: "brokers.host")
            writer.writeInt32(broker.port)
            try writer.writeNullableString(broker.rack, flexible: flexible, field: "brokers.rack")
            writer.endStructure(flexible: flexible)
        }
        if version >= 2 { try writer.writeNullableString(clusterId, flexible: flexible, field: "cluster_id") }
        writer.writeInt32(controllerId)
        try writer.writeArray(topics, flexible: flexible) { writer, topic in
            try Self.writeTopic(topic, into: &writer, version: version, flexible: flexible)
        }
        if version >= 8 && version <= 10 { writer.writeInt32(clusterAuthorizedOperations) }
        writer.endStructure(flexible: flexible)
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
        let topicId = version >= 10 ? try reader.readUUID("topics.topic_id") : zeroUUID
        let isInternal = try reader.readBool("topics.is_internal")
        let partitions = try reader.readArray("topics.partitions", flexible: flexible, minimumElementSize: 12)
        {
            reader in
            let errorCode = try reader.readInt16("partitions.error_code")
            let index = try reader.readInt32("partitions.partition_index")
            let leader = try reader.readInt32("partitions.leader_id")
            let epoch = version >= 7 ? try reader.readInt32("partitions.leader_epoch") : -1
            let replicas = try reader.readInt32Array("partitions.replica_nodes", flexible: flexible)
            let isr = try reader.readInt32Array("partitions.isr_nodes", flexible: flexible)
            let offline =
                version >= 5
                ? try reader.readInt32Array("partitions.offline_replicas", flexible: flexible) : []
            try reader.endStructure("partitions", flexible: flexible)
            return Partition(
                errorCode: errorCode, partitionIndex: index, leaderId: leader, leaderEpoch: epoch,
                replicaNodes: replicas, isrNodes: isr, offlineReplicas: offline)
        }
        let operations = version >= 8 ? try reader.readInt32("topics.topic_authorized_operations") : Int32.min
        try reader.endStructure("topics", flexible: flexible)
        return Topic(
            errorCode: errorCode, name: name, topicId: topicId, isInternal: isInternal,
            partitions: partitions,
            topicAuthorizedOperations: operations)
    }

    private static func writeTopic(
        _ topic: Topic, into writer: inout WireWriter, version: Int16, flexible: Bool
    )
        throws
    {
        writer.writeInt16(topic.errorCode)
        if version >= 12 {
            try writer.writeNullableString(topic.name, flexible: flexible, field: "topics.name")
        } else {
            guard let name = topic.name else {
                throw KafkaCodecError.notInVersion(field: "topics.topic_id", version: version)
            }
            try writer.writeString(name, flexible: flexible, field: "topics.name")
        }
        if version >= 10 { try writer.writeUUID(topic.topicId, field: "topics.topic_id") }
        writer.writeBool(topic.isInternal)
        writer.writeArray(topic.partitions, flexible: flexible) { writer, partition in
            writer.writeInt16(partition.errorCode)
            writer.writeInt32(partition.partitionIndex)
            writer.writeInt32(partition.leaderId)
            if version >= 7 { writer.writeInt32(partition.leaderEpoch) }
            writer.writeInt32Array(partition.replicaNodes, flexible: flexible)
            writer.writeInt32Array(partition.isrNodes, flexible: flexible)
            if version >= 5 { writer.writeInt32Array(partition.offlineReplicas, flexible: flexible) }
            writer.endStructure(flexible: flexible)
        }
        if version >= 8 { writer.writeInt32(topic.topicAuthorizedOperations) }
        writer.endStructure(flexible: flexible)
    }
}
