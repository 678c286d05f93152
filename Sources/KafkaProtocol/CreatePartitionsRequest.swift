/// CreatePartitions (key 37): grows topics to a new partition count. v0–v1 classic, v2–v3
/// flexible; librdkafka sends v0–v2.
public struct CreatePartitionsRequest: KafkaRequest, Equatable {
    public typealias Response = CreatePartitionsResponse
    public static let apiKey = ApiKey.createPartitions
    public static let supportedVersions: ClosedRange<Int16> = 0...3
    public static let firstFlexibleVersion: Int16? = 2

    public struct Topic: Sendable, Equatable {
        public var name: String
        /// The new total partition count.
        public var count: Int32
        /// The brokers of each new partition, in order; nil leaves placement to the broker.
        public var assignments: [[Int32]]?

        public init(name: String, count: Int32, assignments: [[Int32]]? = nil) {
            self.name = name
            self.count = count
            self.assignments = assignments
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
            writer.writeInt32(topic.count)
            writer.writeNullableArray(topic.assignments, flexible: flexible) { writer, brokerIds in
                writer.writeInt32Array(brokerIds, flexible: flexible)
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
        topics = try reader.readArray("topics", flexible: flexible, minimumElementSize: 6) { reader in
            let name = try reader.readString("topics.name", flexible: flexible)
            let count = try reader.readInt32("topics.count")
            let assignments = try reader.readNullableArray(
                "topics.assignments", flexible: flexible, minimumElementSize: 1
            ) { reader in
                let brokerIds = try reader.readInt32Array("assignments.broker_ids", flexible: flexible)
                try reader.endStructure("assignments", flexible: flexible)
                return brokerIds
            }
            try reader.endStructure("topics", flexible: flexible)
            return Topic(name: name, count: count, assignments: assignments)
        }
        timeoutMs = try reader.readInt32("timeout_ms")
        validateOnly = try reader.readBool("validate_only")
        try reader.endStructure("CreatePartitionsRequest", flexible: flexible)
    }
}
