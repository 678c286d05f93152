/// The outcome per topic of a DeleteTopics request.
public struct DeleteTopicsResponse: KafkaResponse, Equatable {
    public struct Result: Sendable, Equatable {
        /// nil only in v6+ answers for a topic asked for by an unknown id.
        public var name: String?
        /// v6+; all zeros when unknown.
        public var topicId: [UInt8]
        public var errorCode: Int16
        /// v5+.
        public var errorMessage: String?

        public init(name: String?, topicId: [UInt8] = zeroUUID, errorCode: Int16, errorMessage: String? = nil)
        {
            self.name = name
            self.topicId = topicId
            self.errorCode = errorCode
            self.errorMessage = errorMessage
        }
    }

    /// v1+.
    public var throttleTimeMs: Int32
    public var results: [Result]

    public init(throttleTimeMs: Int32 = 0, results: [Result]) {
        self.throttleTimeMs = throttleTimeMs
        self.results = results
    }

    public init(from reader: inout WireReader, version: Int16) throws {
        let flexible = DeleteTopicsRequest.isFlexible(version)
        throttleTimeMs = version >= 1 ? try reader.readInt32("throttle_time_ms") : 0
        results = try reader.readArray("responses", flexible: flexible, minimumElementSize: 3) { reader in
            let name =
                version >= 6
                ? try reader.readNullableString("responses.name", flexible: flexible)
                : try reader.readString("responses.name", flexible: flexible)
            let topicId = version >= 6 ? try reader.readUUID("responses.topic_id") : zeroUUID
            let errorCode = try reader.readInt16("responses.error_code")
            let message =
                version >= 5
                ? try reader.readNullableString("responses.error_message", flexible: flexible) : nil
            try reader.endStructure("responses", flexible: flexible)
            return Result(name: name, topicId: topicId, errorCode: errorCode, errorMessage: message)
        }
        try reader.endStructure("DeleteTopicsResponse", flexible: flexible)
    }

    public func encode(into writer: inout WireWriter, version: Int16) throws {
        let flexible = DeleteTopicsRequest.isFlexible(version)
        if version >= 1 { writer.writeInt32(throttleTimeMs) }
        try writer.writeArray(results, flexible: flexible) { writer, result in
            if version >= 6 {
                try writer.writeNullableString(result.name, flexible: flexible, field: "responses.name")
                try writer.writeUUID(result.topicId, field: "responses.topic_id")
            } else {
                guard let name = result.name else {
                    throw KafkaCodecError.notInVersion(field: "responses.topic_id", version: version)
                }
                try writer.writeString(name, flexible: flexible, field: "responses.name")
            }
            writer.writeInt16(result.errorCode)
            if version >= 5 {
                try writer.writeNullableString(
                    result.errorMessage, flexible: flexible, field: "responses.error_message")
            }
            writer.endStructure(flexible: flexible)
        }
        writer.endStructure(flexible: flexible)
    }
}
