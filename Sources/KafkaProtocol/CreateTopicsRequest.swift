/// CreateTopics (key 19): v2–v4 classic, v5–v7 flexible.
public struct CreateTopicsRequest: KafkaRequest, Equatable {
    public typealias Response = CreateTopicsResponse
    public static let apiKey = ApiKey.createTopics
    public static let supportedVersions: ClosedRange<Int16> = 2...7
    public static let firstFlexibleVersion: Int16? = 5

    /// The brokers that hold one partition's replicas, the first the preferred leader.
    public struct Assignment: Sendable, Equatable, Codable {
        public var partitionIndex: Int32
        public var brokerIds: [Int32]

        public init(partitionIndex: Int32, brokerIds: [Int32]) {
            self.partitionIndex = partitionIndex
            self.brokerIds = brokerIds
        }
    }

    public struct Topic: Sendable, Equatable, Codable {
        public var name: String
        /// -1 with explicit assignments (or to take the broker's default).
        public var partitions: Int32
        public var replicationFactor: Int16
        /// Empty leaves placement to the broker.
        public var assignments: [Assignment]
        /// Sent sorted by key. A null value on the wire is refused when decoding.
        public var configs: [String: String]

        public init(
            name: String, partitions: Int32, replicationFactor: Int16, assignments: [Assignment] = [],
            configs: [String: String] = [:]
        ) {
            self.name = name
            self.partitions = partitions
            self.replicationFactor = replicationFactor
            self.assignments = assignments
            self.configs = configs
        }
    }

    public var topics: [Topic]
    public var timeoutMs: Int32
    public var validateOnly: Bool

    public init(topics: [Topic], timeoutMs: Int32, validateOnly: Bool = false) {
        self.topics = topics
        self.timeoutMs = timeoutMs
        self.validateOnly = validateOnly
    }

    public func encode(into writer: inout WireWriter, version: Int16) throws {
        let flexible = Self.isFlexible(version)
        try writer.writeArray(topics, flexible: flexible) { writer, topic in
            try writer.writeString(topic.name, flexible: flexible, field: "topics.name")
            writer.writeInt32(topic.partitions)
            writer.writeInt16(topic.replicationFactor)
            writer.writeArray(topic.assignments, flexible: flexible) { writer, assignment in
                writer.writeInt32(assignment.partitionIndex)
                writer.writeInt32Array(assignment.brokerIds, flexible: flexible)
                writer.endStructure(flexible: flexible)
            }
            try writer.writeArray(topic.configs.sorted { $0.key < $1.key }, flexible: flexible) {
                writer, config in
                try writer.writeString(config.key, flexible: flexible, field: "configs.name")
                try writer.writeNullableString(config.value, flexible: flexible, field: "configs.value")
                writer.endStructure(flexible: flexible)
            }
            writer.endStructure(flexible: flexible)
        }
        writer.writeInt32(timeoutMs)
        writer.writeBool(validateOnly)
        writer.endStructure(flexible: flexible)
    }

    public init(from reader: inout WireReader, version: Int16) throws {
        let flexible = Self.isFlexible(version)
        topics = try reader.readArray("topics", flexible: flexible, minimumElementSize: 9) { reader in
            let name = try reader.readString("topics.name", flexible: flexible)
            let partitions = try reader.readInt32("topics.num_partitions")
            let replicationFactor = try reader.readInt16("topics.replication_factor")
            let assignments = try reader.readArray(
                "topics.assignments", flexible: flexible, minimumElementSize: 5
            ) { reader in
                let assignment = Assignment(
                    partitionIndex: try reader.readInt32("assignments.partition_index"),
                    brokerIds: try reader.readInt32Array("assignments.broker_ids", flexible: flexible))
                try reader.endStructure("assignments", flexible: flexible)
                return assignment
            }
            var configs: [String: String] = [:]
            _ = try reader.readArray("topics.configs", flexible: flexible, minimumElementSize: 2) { reader in
                let key = try reader.readString("configs.name", flexible: flexible)
                configs[key] = try reader.readString("configs.value", flexible: flexible)
                try reader.endStructure("configs", flexible: flexible)
            }
            try reader.endStructure("topics", flexible: flexible)
            return Topic(
                name: name, partitions: partitions, replicationFactor: replicationFactor,
                assignments: assignments,
                configs: configs)
        }
        timeoutMs = try reader.readInt32("timeout_ms")
        validateOnly = try reader.readBool("validate_only")
        try reader.endStructure("CreateTopicsRequest", flexible: flexible)
    }
}
