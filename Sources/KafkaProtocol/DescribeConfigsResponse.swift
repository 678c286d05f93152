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

    public var throttleTimeMs: Int32
    public var results: [Result]

    public init(throttleTimeMs: Int32 = 0, results: [Result]) {
        self.throttleTimeMs = throttleTimeMs
        self.results = results
    }

    public init(from reader: inout WireReader, version: Int16) throws {
        let flexible = DescribeConfigsRequest.isFlexible(version)
        throttleTimeMs = try reader.readInt32("throttle_time_ms")
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

    public func encode(into writer: inout WireWriter, version: Int16) throws {
        let flexible = DescribeConfigsRequest.isFlexible(version)
        writer.writeInt32(throttleTimeMs)
        try writer.writeArray(results, flexible: flexible) { writer, result in
            writer.writeInt16(result.errorCode)
            try writer.writeNullableString(
                result.errorMessage, flexible: flexible, field: "results.error_message")
            writer.writeInt8(result.resourceType)
            try writer.writeString(result.resourceName, flexible: flexible, field: "results.resource_name")
            try writer.writeArray(result.configs, flexible: flexible) { writer, entry in
                try Self.writeEntry(entry, into: &writer, version: version, flexible: flexible)
            }
            writer.endStructure(flexible: flexible)
        }
        writer.endStructure(flexible: flexible)
    }

    private static func readEntry(_ reader: inout WireReader, version: Int16, flexible: Bool) throws
        -> ConfigEntry
    {
        let name = try reader.readString("configs.name", flexible: flexible)
        let value = try reader.readNullableString("configs.value", flexible: flexible)
        let readOnly = try reader.readBool("configs.read_only")
        let source = try reader.readInt8("configs.config_source")
        let sensitive = try reader.readBool("configs.is_sensitive")
        let synonyms = try reader.readArray("configs.synonyms", flexible: flexible, minimumElementSize: 3) {
            reader in
            let synonym = ConfigEntry.Synonym(
                name: try reader.readString("synonyms.name", flexible: flexible),
                value: try reader.readNullableString("synonyms.value", flexible: flexible),
                sourceCode: try reader.readInt8("synonyms.source"))
            try reader.endStructure("synonyms", flexible: flexible)
            return synonym
        }
        var configType: Int8 = 0
        var documentation: String?
        if version >= 3 {
            configType = try reader.readInt8("configs.config_type")
            documentation = try reader.readNullableString("configs.documentation", flexible: flexible)
        }
        try reader.endStructure("configs", flexible: flexible)
        return ConfigEntry(
            name: name, value: value, isReadOnly: readOnly, sourceCode: source, isSensitive: sensitive,
            synonyms: synonyms, configType: configType, documentation: documentation)
    }

    private static func writeEntry(
        _ entry: ConfigEntry, into writer: inout WireWriter, version: Int16, flexible: Bool
    )
        throws
    {
        try writer.writeString(entry.name, flexible: flexible, field: "configs.name")
        try writer.writeNullableString(entry.value, flexible: flexible, field: "configs.value")
        writer.writeBool(entry.isReadOnly)
        writer.writeInt8(entry.sourceCode)
        writer.writeBool(entry.isSensitive)
        try writer.writeArray(entry.synonyms, flexible: flexible) { writer, synonym in
            try writer.writeString(synonym.name, flexible: flexible, field: "synonyms.name")
            try writer.writeNullableString(synonym.value, flexible: flexible, field: "synonyms.value")
            writer.writeInt8(synonym.sourceCode)
            writer.endStructure(flexible: flexible)
        }
        if version >= 3 {
            writer.writeInt8(entry.configType)
            try writer.writeNullableString(
                entry.documentation, flexible: flexible, field: "configs.documentation")
        }
        writer.endStructure(flexible: flexible)
    }
}
