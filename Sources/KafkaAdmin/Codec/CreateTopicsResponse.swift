/// The outcome per topic of a CreateTopics request.
public struct CreateTopicsResponse: KafkaResponse, Equatable {
    public struct Result: Sendable, Equatable {
        public var name: String
        public var errorCode: Int16
        public var errorMessage: String?
        /// -1 before v5, and when the broker did not say.
        public var numPartitions: Int32
        public var replicationFactor: Int16

        public init(
            name: String, errorCode: Int16, errorMessage: String? = nil, numPartitions: Int32 = -1,
            replicationFactor: Int16 = -1
        ) {
            self.name = name
            self.errorCode = errorCode
            self.errorMessage = errorMessage
            self.numPartitions = numPartitions
            self.replicationFactor = replicationFactor
        }
    }

    public var results: [Result]

    public init(results: [Result]) { self.results = results }

    public init(from reader: inout WireReader, version: Int16) throws {
        let flexible = CreateTopicsRequest.isFlexible(version)
        _ = try reader.readInt32("throttle_time_ms")
        results = try reader.readArray("topics", flexible: flexible, minimumElementSize: 4) { reader in
            let name = try reader.readString("topics.name", flexible: flexible)
            if version >= 7 { _ = try reader.readUUID("topics.topic_id") }
            var result = Result(
                name: name, errorCode: try reader.readInt16("topics.error_code"),
                errorMessage: try reader.readNullableString("topics.error_message", flexible: flexible))
            if version >= 5 {
                result.numPartitions = try reader.readInt32("topics.num_partitions")
                result.replicationFactor = try reader.readInt16("topics.replication_factor")
                _ = try reader.readNullableArray("topics.configs", flexible: flexible, minimumElementSize: 5)
                {
                    reader in
                    _ = try reader.readString("configs.name", flexible: flexible)
                    _ = try reader.readNullableString("configs.value", flexible: flexible)
                    _ = try reader.readBool("configs.read_only")
                    _ = try reader.readInt8("configs.config_source")
                    _ = try reader.readBool("configs.is_sensitive")
                    try reader.endStructure("configs", flexible: flexible)
                }
            }
            try reader.endStructure("topics", flexible: flexible)
            return result
        }
        try reader.endStructure("CreateTopicsResponse", flexible: flexible)
    }
}
