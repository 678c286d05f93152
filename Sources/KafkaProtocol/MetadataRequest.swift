/// Metadata (key 3): brokers, controller, topics and partitions. We implement v1 (classic, the
/// first with a null "all topics" list) through v12 (flexible, topic ids, nullable names).
public struct MetadataRequest: KafkaRequest, Equatable {
    public typealias Response = MetadataResponse
    public static let apiKey = ApiKey.metadata
    public static let supportedVersions: ClosedRange<Int16> = 1...12
    public static let firstFlexibleVersion: Int16? = 9

    /// A topic asked for by name, or (v10+) by id with a null name.
    public struct Topic: Sendable, Equatable {
        /// All zeros when the topic is named.
        public var topicId: [UInt8]
        public var name: String?

        public init(name: String?, topicId: [UInt8] = zeroUUID) {
            self.topicId = topicId
            self.name = name
        }
    }

    /// nil asks for every topic; an empty list asks for none (brokers and controller only).
    public var topics: [Topic]?
    public var allowAutoTopicCreation: Bool
    /// v8–v10 only.
    public var includeClusterAuthorizedOperations: Bool
    /// v8 and later.
    public var includeTopicAuthorizedOperations: Bool

    public init(
        topics: [String]?, allowAutoTopicCreation: Bool = false,
        includeClusterAuthorizedOperations: Bool = false,
        includeTopicAuthorizedOperations: Bool = false
    ) {
        self.init(
            requesting: topics?.map { Topic(name: $0) }, allowAutoTopicCreation: allowAutoTopicCreation,
            includeClusterAuthorizedOperations: includeClusterAuthorizedOperations,
            includeTopicAuthorizedOperations: includeTopicAuthorizedOperations)
    }

    public init(
        requesting topics: [Topic]?, allowAutoTopicCreation: Bool = false,
        includeClusterAuthorizedOperations: Bool = false, includeTopicAuthorizedOperations: Bool = false
    ) {
        self.topics = topics
        self.allowAutoTopicCreation = allowAutoTopicCreation
        self.includeClusterAuthorizedOperations = includeClusterAuthorizedOperations
        self.includeTopicAuthorizedOperations = includeTopicAuthorizedOperations
    }

    public func encode(into writer: inout WireWriter, version: Int16) throws {
        let flexible = Self.isFlexible(version)
        try writer.writeNullableArray(topics, flexible: flexible) { writer, topic in
            if version >= 10 {
                try writer.writeUUID(topic.topicId, field: "topics.topic_id")
                try writer.writeNullableString(topic.name, flexible: flexible, field: "topics.name")
            } else {
                guard let name = topic.name else {
                    throw KafkaCodecError.notInVersion(field: "topics.topic_id", version: version)
                }
                try writer.writeString(name, flexible: flexible, field: "topics.name")
            }
            writer.endStructure(flexible: flexible)
        }
        if version >= 4 { writer.writeBool(allowAutoTopicCreation) }
        if version >= 8 && version <= 10 { writer.writeBool(includeClusterAuthorizedOperations) }
        if version >= 8 { writer.writeBool(includeTopicAuthorizedOperations) }
        writer.endStructure(flexible: flexible)
    }

    public init(from reader: inout WireReader, version: Int16) throws {
        let flexible = Self.isFlexible(version)
        topics = try reader.readNullableArray("topics", flexible: flexible, minimumElementSize: 1) { reader in
            let topic: Topic
            if version >= 10 {
                let id = try reader.readUUID("topics.topic_id")
                topic = Topic(
                    name: try reader.readNullableString("topics.name", flexible: flexible), topicId: id)
            } else {
                topic = Topic(name: try reader.readString("topics.name", flexible: flexible))
            }
            try reader.endStructure("topics", flexible: flexible)
            return topic
        }
        allowAutoTopicCreation = version >= 4 ? try reader.readBool("allow_auto_topic_creation") : true
        includeClusterAuthorizedOperations =
            version >= 8 && version <= 10
            ? try reader.readBool("include_cluster_authorized_operations") : false
        includeTopicAuthorizedOperations =
            version >= 8 ? try reader.readBool("include_topic_authorized_operations") : false
        try reader.endStructure("MetadataRequest", flexible: flexible)
    }
}

/// The all-zero UUID: Kafka's "no topic id".
public let zeroUUID = [UInt8](repeating: 0, count: 16)
