/// DescribeLogDirs (key 35): each log directory of the answering broker, with the size of
/// the partitions it holds. v0–v1 classic, v2–v4 flexible. librdkafka has no call that sends
/// it; Kafka 3.3 and later answer v0–v4.
public struct DescribeLogDirsRequest: KafkaRequest, Equatable {
    public typealias Response = DescribeLogDirsResponse
    public static let apiKey = ApiKey.describeLogDirs
    public static let supportedVersions: ClosedRange<Int16> = 0...4
    public static let firstFlexibleVersion: Int16? = 2

    public struct Topic: Sendable, Equatable {
        public var name: String
        public var partitions: [Int32]

        public init(name: String, partitions: [Int32]) {
            self.name = name
            self.partitions = partitions
        }
    }

    /// nil asks for every topic.
    public var topics: [Topic]?

    public init(topics: [Topic]?) { self.topics = topics }

    public func encode(into writer: inout WireWriter, version: Int16) throws {
        let flexible = Self.isFlexible(version)
        try writer.writeNullableArray(topics, flexible: flexible) { writer, topic in
            try writer.writeString(topic.name, flexible: flexible, field: "topics.topic")
            writer.writeInt32Array(topic.partitions, flexible: flexible)
            writer.endStructure(flexible: flexible)
        }
        writer.endStructure(flexible: flexible)
    }

    public init(from reader: inout WireReader, version: Int16) throws {
        let flexible = Self.isFlexible(version)
        topics = try reader.readNullableArray("topics", flexible: flexible, minimumElementSize: 2) { reader in
            let topic = Topic(
                name: try reader.readString("topics.topic", flexible: flexible),
                partitions: try reader.readInt32Array("topics.partitions", flexible: flexible))
            try reader.endStructure("topics", flexible: flexible)
            return topic
        }
        try reader.endStructure("DescribeLogDirsRequest", flexible: flexible)
    }
}
