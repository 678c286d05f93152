/// The outcome per topic of a CreateTopics request.
public struct CreateTopicsResponse: KafkaResponse, Equatable {
    public struct Result: Sendable, Equatable {
        public var name: String
        /// v7+; all zeros when unknown.
        public var topicId: [UInt8]
        public var errorCode: Int16
        public var errorMessage: String?
        /// -1 before v5, and when the broker did not say.
        public var numPartitions: Int32
        public var replicationFactor: Int16
        /// v5+: the topic's configuration as created (synonyms, type and documentation are not
        /// part of this message); nil when the broker did not say.
        public var configs: [ConfigEntry]?

        public init(
            name: String, topicId: [UInt8] = zeroUUID, errorCode: Int16, errorMessage: String? = nil,
            numPartitions: Int32 = -1, replicationFactor: Int16 = -1, configs: [ConfigEntry]? = nil
        ) {
            self.name = name
            self.topicId = topicId
            self.errorCode = errorCode
            self.errorMessage = errorMessage
            self.numPartitions = numPartitions
            self.replicationFactor = replicationFactor
            self.configs = configs
        }
    }

    public var throttleTimeMs: Int32
    public var results: [Result]

    public init(throttleTimeMs: Int32 = 0, results: [Result]) {
        self.throttleTimeMs = throttleTimeMs
        self.results = results
    }

    public init(from reader: inout WireReader, version: Int16) throws {
        let flexible = CreateTopicsRequest.isFlexible(version)
        throttleTimeMs = try reader.readInt32("throttle_time_ms")
        results = try reader.readArray("topics", flexible: flexible, minimumElementSize: 4) { reader in
            let name = try reader.readString("topics.name", flexible: flexible)
            let topicId = version >= 7 ? try reader.readUUID("topics.topic_id") : zeroUUID
            var result = Result(
                name: name, topicId: topicId, errorCode: try reader.readInt16("topics.error_code"),
                errorMessage: try reader.readNullableString("topics.error_message", flexible: flexible))
            if version >= 5 {
                result.numPartitions = try reader.readInt32("topics.num_partitions")
                result.replicationFactor = try reader.readInt16("topics.replication_factor")
                result.configs = try reader.readNullableArray(
                    "topics.configs", flexible: flexible, minimumElementSize: 5
                ) { reader in
                    let entry = ConfigEntry(
                        name: try reader.readString("configs.name", flexible: flexible),
                        value: try reader.readNullableString("configs.value", flexible: flexible),
                        isReadOnly: try reader.readBool("configs.read_only"),
                        sourceCode: try reader.readInt8("configs.config_source"),
                        isSensitive: try reader.readBool("configs.is_sensitive"))
                    try reader.endStructure("configs", flexible: flexible)
                    return entry
                }
            }
            try reader.endStructure("topics", flexible: flexible)
            return result
        }
        try reader.endStructure("CreateTopicsResponse", flexible: flexible)
    }

    /// The v5+ tagged field TopicConfigErrorCode is not sent.
    public func encode(into writer: inout WireWriter, version: Int16) throws {
        let flexible = CreateTopicsRequest.isFlexible(version)
        writer.writeInt32(throttleTimeMs)
        try writer.writeArray(results, flexible: flexible) { writer, result in
            try writer.writeString(result.name, flexible: flexible, field: "topics.name")
            if version >= 7 { try writer.writeUUID(result.topicId, field: "topics.topic_id") }
            writer.writeInt16(result.errorCode)
            try writer.writeNullableString(
                result.errorMessage, flexible: flexible, field: "topics.error_message")
            if version >= 5 {
                writer.writeInt32(result.numPartitions)
                writer.writeInt16(result.replicationFactor)
                try writer.writeNullableArray(result.configs, flexible: flexible) { writer, entry in
                    try writer.writeString(entry.name, flexible: flexible, field: "configs.name")
                    try writer.writeNullableString(entry.value, flexible: flexible, field: "configs.value")
                    writer.writeBool(entry.isReadOnly)
                    writer.writeInt8(entry.sourceCode)
                    writer.writeBool(entry.isSensitive)
                    writer.endStructure(flexible: flexible)
                }
            }
            writer.endStructure(flexible: flexible)
        }
        writer.endStructure(flexible: flexible)
    }
}
