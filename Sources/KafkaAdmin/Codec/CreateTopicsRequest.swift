/// CreateTopics (key 19): v2–v4 classic, v5–v7 flexible. Assignments are left to the broker.
public struct CreateTopicsRequest: KafkaRequest {
    public typealias Response = CreateTopicsResponse
    public static let apiKey = ApiKey.createTopics
    public static let supportedVersions: ClosedRange<Int16> = 2...7
    public static let firstFlexibleVersion: Int16? = 5

    public struct Topic: Sendable, Equatable, Codable {
        public var name: String
        public var partitions: Int32
        public var replicationFactor: Int16
        public var configs: [String: String]

        public init(
            name: String, partitions: Int32, replicationFactor: Int16, configs: [String: String] = [:]
        ) {
            self.name = name
            self.partitions = partitions
            self.replicationFactor = replicationFactor
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
        writer.writeArrayCount(topics.count, flexible: flexible)
        for topic in topics {
            try writer.writeString(topic.name, flexible: flexible, field: "topics.name")
            writer.writeInt32(topic.partitions)
            writer.writeInt16(topic.replicationFactor)
            writer.writeArrayCount(0, flexible: flexible)  // assignments
            let configs = topic.configs.sorted { $0.key < $1.key }
            writer.writeArrayCount(configs.count, flexible: flexible)
            for (key, value) in configs {
                try writer.writeString(key, flexible: flexible, field: "configs.name")
                try writer.writeNullableString(value, flexible: flexible, field: "configs.value")
                if flexible { writer.writeEmptyTaggedFields() }
            }
            if flexible { writer.writeEmptyTaggedFields() }
        }
        writer.writeInt32(timeoutMs)
        writer.writeBool(validateOnly)
        if flexible { writer.writeEmptyTaggedFields() }
    }
}
