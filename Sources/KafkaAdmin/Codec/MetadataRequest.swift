/// Metadata (key 3): brokers, controller, topics and partitions. We implement v1 (classic, the
/// first with a null "all topics" list) through v12 (flexible, topic ids, nullable names).
public struct MetadataRequest: KafkaRequest {
    public typealias Response = MetadataResponse
    public static let apiKey = ApiKey.metadata
    public static let supportedVersions: ClosedRange<Int16> = 1...12
    public static let firstFlexibleVersion: Int16? = 9

    /// nil asks for every topic; an empty list asks for none (brokers and controller only).
    public var topics: [String]?
    public var allowAutoTopicCreation: Bool

    public init(topics: [String]?, allowAutoTopicCreation: Bool = false) {
        self.topics = topics
        self.allowAutoTopicCreation = allowAutoTopicCreation
    }

    public func encode(into writer: inout WireWriter, version: Int16) throws {
        let flexible = Self.isFlexible(version)
        writer.writeArrayCount(topics?.count, flexible: flexible)
        for name in topics ?? [] {
            if version >= 10 { writer.writeUUID([UInt8](repeating: 0, count: 16)) }
            try writer.writeString(name, flexible: flexible, field: "topics.name")
            if flexible { writer.writeEmptyTaggedFields() }
        }
        if version >= 4 { writer.writeBool(allowAutoTopicCreation) }
        if version >= 8 && version <= 10 { writer.writeBool(false) }  // include_cluster_authorized_operations
        if version >= 8 { writer.writeBool(false) }  // include_topic_authorized_operations
        if flexible { writer.writeEmptyTaggedFields() }
    }
}
