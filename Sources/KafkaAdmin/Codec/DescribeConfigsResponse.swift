/// Per-resource configuration entries, or a per-resource error.
public struct DescribeConfigsResponse: KafkaResponse, Equatable {
    public struct Result: Sendable, Equatable {
        public var errorCode: Int16
        public var errorMessage: String?
        public var resourceType: Int8
        public var resourceName: String
        public var configs: [ConfigEntry]

        public init(
            errorCode: Int16 = 0, errorMessage: String? = nil, resourceType: Int8, resourceName: String,
            configs: [ConfigEntry]
        ) {
            self.errorCode = errorCode
            self.errorMessage = errorMessage
            self.resourceType = resourceType
            self.resourceName = resourceName
            self.configs = configs
        }
    }

    public var results: [Result]

    public init(results: [Result]) { self.results = results }

    public init(from reader: inout WireReader, version: Int16) throws {
        let flexible = DescribeConfigsRequest.isFlexible(version)
        _ = try reader.readInt32("throttle_time_ms")
        results = try reader.readArray("results", flexible: flexible, minimumElementSize: 5) { reader in
            let errorCode = try reader.readInt16("results.error_code")
            let errorMessage = try reader.readNullableString("results.error_message", flexible: flexible)
            let resourceType = try reader.readInt8("results.resource_type")
            let resourceName = try reader.readString("results.resource_name", flexible: flexible)
            let configs = try reader.readArray("results.configs", flexible: flexible, minimumElementSize: 5) {
                reader in
                try Self.readEntry(&reader, version: version, flexible: flexible)
            }
            try reader.endStructure("results", flexible: flexible)
            return Result(
                errorCode: errorCode, errorMessage: errorMessage, resourceType: resourceType,
                resourceName: resourceName, configs: configs)
        }
        try reader.endStructure("DescribeConfigsResponse", flexible: flexible)
    }

    private static func readEntry(_ reader: inout WireReader, version: Int16, flexible: Bool) throws
        -> ConfigEntry
    {
        let name = try reader.readString("configs.name", flexible: flexible)
        let value = try reader.readNullableString("configs.value", flexible: flexible)
        let readOnly = try reader.readBool("configs.read_only")
        let source = try reader.readInt8("configs.config_source")
        let sensitive = try reader.readBool("configs.is_sensitive")
        _ = try reader.readArray("configs.synonyms", flexible: flexible, minimumElementSize: 3) { reader in
            _ = try reader.readString("synonyms.name", flexible: flexible)
            _ = try reader.readNullableString("synonyms.value", flexible: flexible)
            _ = try reader.readInt8("synonyms.source")
            try reader.endStructure("synonyms", flexible: flexible)
        }
        if version >= 3 {
            _ = try reader.readInt8("configs.config_type")
            _ = try reader.readNullableString("configs.documentation", flexible: flexible)
        }
        try reader.endStructure("configs", flexible: flexible)
        return ConfigEntry(
            name: name, value: value, isReadOnly: readOnly, sourceCode: source, isSensitive: sensitive)
    }
}
