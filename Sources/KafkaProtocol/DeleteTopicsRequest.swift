/// DeleteTopics (key 20): v0–v3 classic, v4–v6 flexible; v6 names topics by name or id.
/// librdkafka sends v0–v4.
public struct DeleteTopicsRequest: KafkaRequest, Equatable {
    public typealias Response = DeleteTopicsResponse
    public static let apiKey = ApiKey.deleteTopics
    public static let supportedVersions: ClosedRange<Int16> = 0...6
    public static let firstFlexibleVersion: Int16? = 4

    /// A topic by name, or (v6+) by id with a null name.
    public struct Topic: Sendable, Equatable {
        public var name: String?
        /// All zeros when the topic is named.
        public var topicId: [UInt8]

        public init(name: String?, topicId: [UInt8] = zeroUUID) {
            self.name = name
            self.topicId = topicId
        }
    }

    public var topics: [Topic]
    public var timeoutMs: Int32

    public init(names: [String], timeoutMs: Int32) {
        self.init(topics: names.map { Topic(name: $0) }, timeoutMs: timeoutMs)
    }

    public init(topics: [Topic], timeoutMs: Int32) {
        self.topics = topics
        self.timeoutMs = timeoutMs
    }

    public func encode(into writer: inout WireWriter, version: Int16) throws {
        let flexible = Self.isFlexible(version)
        try writer.writeArray(topics, flexible: flexible) { writer, topic in
            if version >= 6 {
                try writer.writeNullableString(topic.name, flexible: flexible, field: "topics.name")
                try writer.writeUUID(topic.topicId, field: "topics.topic_id")
                writer.endStructure(flexible: flexible)
            } else {
                guard let name = topic.name else {
                    throw KafkaCodecError.notInVersion(field: "topics.topic_id", version: version)
                }
                try writer.writeString(name, flexible: flexible, field: "topic_names")
            }
        }
        writer.writeInt32(timeoutMs)
        writer.endStructure(flexible: flexible)
    }

    public init(from reader: inout WireReader, version: Int16) throws {
        let flexible = Self.isFlexible(version)
        if version >= 6 {
            topics = try reader.readArray("topics", flexible: flexible, minimumElementSize: 18) { reader in
                let topic = Topic(
                    name: try reader.readNullableString("topics.name", flexible: flexible),
                    topicId: try reader.readUUID("topics.topic_id"))
                try reader.endStructure("topics", flexible: flexible)
                return topic
            }
        } else {
            topics = try reader.readStringArray("topic_names", flexible: flexible).map { Topic(name: $0) }
        }
        timeoutMs = try reader.readInt32("timeout_ms")
        try reader.endStructure("DeleteTopicsRequest", flexible: flexible)
    }
}
