/// The outcome per resource of an IncrementalAlterConfigs request.
public struct IncrementalAlterConfigsResponse: KafkaResponse, Equatable {
    public struct Result: Sendable, Equatable {
        public var errorCode: Int16
        public var errorMessage: String?
        public var resourceType: Int8
        public var resourceName: String

        public init(errorCode: Int16, errorMessage: String?, resourceType: Int8, resourceName: String) {
            self.errorCode = errorCode
            self.errorMessage = errorMessage
            self.resourceType = resourceType
            self.resourceName = resourceName
        }
    }

    public var results: [Result]

    public init(results: [Result]) { self.results = results }

    public init(from reader: inout WireReader, version: Int16) throws {
        let flexible = IncrementalAlterConfigsRequest.isFlexible(version)
        _ = try reader.readInt32("throttle_time_ms")
        results = try reader.readArray("responses", flexible: flexible, minimumElementSize: 5) { reader in
            let result = Result(
                errorCode: try reader.readInt16("responses.error_code"),
                errorMessage: try reader.readNullableString("responses.error_message", flexible: flexible),
                resourceType: try reader.readInt8("responses.resource_type"),
                resourceName: try reader.readString("responses.resource_name", flexible: flexible))
            try reader.endStructure("responses", flexible: flexible)
            return result
        }
        try reader.endStructure("IncrementalAlterConfigsResponse", flexible: flexible)
    }
}
