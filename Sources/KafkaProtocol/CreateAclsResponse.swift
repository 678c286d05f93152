/// The outcome of each creation of a CreateAcls request, in the request's order.
public struct CreateAclsResponse: KafkaResponse, Equatable {
    public struct Result: Sendable, Equatable {
        public var errorCode: Int16
        public var errorMessage: String?

        public init(errorCode: Int16 = 0, errorMessage: String? = nil) {
            self.errorCode = errorCode
            self.errorMessage = errorMessage
        }
    }

    public var throttleTimeMs: Int32
    public var results: [Result]

    public init(throttleTimeMs: Int32 = 0, results: [Result]) {
        self.throttleTimeMs = throttleTimeMs
        self.results = results
    }

    public init(from reader: inout WireReader, version: Int16) throws {
        let flexible = CreateAclsRequest.isFlexible(version)
        throttleTimeMs = try reader.readInt32("throttle_time_ms")
        results = try reader.readArray("results", flexible: flexible, minimumElementSize: 3) { reader in
            let result = Result(
                errorCode: try reader.readInt16("results.error_code"),
                errorMessage: try reader.readNullableString("results.error_message", flexible: flexible))
            try reader.endStructure("results", flexible: flexible)
            return result
        }
        try reader.endStructure("CreateAclsResponse", flexible: flexible)
    }

    public func encode(into writer: inout WireWriter, version: Int16) throws {
        let flexible = CreateAclsRequest.isFlexible(version)
        writer.writeInt32(throttleTimeMs)
        try writer.writeArray(results, flexible: flexible) { writer, result in
            writer.writeInt16(result.errorCode)
            try writer.writeNullableString(
                result.errorMessage, flexible: flexible, field: "results.error_message")
            writer.endStructure(flexible: flexible)
        }
        writer.endStructure(flexible: flexible)
    }
}
