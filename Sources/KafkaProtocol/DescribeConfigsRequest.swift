/// DescribeConfigs (key 32): v1–v3 classic, v4 flexible.
public struct DescribeConfigsRequest: KafkaRequest, Equatable {
    public typealias Response = DescribeConfigsResponse
    public static let apiKey = ApiKey.describeConfigs
    public static let supportedVersions: ClosedRange<Int16> = 1...4
    public static let firstFlexibleVersion: Int16? = 4

    public struct Resource: Sendable, Equatable {
        public var type: ConfigResourceType
        public var name: String
        /// nil asks for every key.
        public var keys: [String]?

        public init(type: ConfigResourceType, name: String, keys: [String]? = nil) {
            self.type = type
            self.name = name
            self.keys = keys
        }
    }

    public var resources: [Resource]
    public var includeSynonyms: Bool
    /// v3+.
    public var includeDocumentation: Bool

    public init(resources: [Resource], includeSynonyms: Bool = false, includeDocumentation: Bool = false) {
        self.resources = resources
        self.includeSynonyms = includeSynonyms
        self.includeDocumentation = includeDocumentation
    }

    public func encode(into writer: inout WireWriter, version: Int16) throws {
        let flexible = Self.isFlexible(version)
        try writer.writeArray(resources, flexible: flexible) { writer, resource in
            writer.writeInt8(resource.type.rawValue)
            try writer.writeString(resource.name, flexible: flexible, field: "resources.resource_name")
            try writer.writeNullableArray(resource.keys, flexible: flexible) {
                try $0.writeString($1, flexible: flexible, field: "resources.configuration_keys")
            }
            writer.endStructure(flexible: flexible)
        }
        writer.writeBool(includeSynonyms)
        if version >= 3 { writer.writeBool(includeDocumentation) }
        writer.endStructure(flexible: flexible)
    }

    public init(from reader: inout WireReader, version: Int16) throws {
        let flexible = Self.isFlexible(version)
        resources = try reader.readArray("resources", flexible: flexible, minimumElementSize: 3) { reader in
            let type = try reader.readResourceType("resources.resource_type")
            let name = try reader.readString("resources.resource_name", flexible: flexible)
            let keys = try reader.readNullableArray(
                "resources.configuration_keys", flexible: flexible, minimumElementSize: 1
            ) { try $0.readString("resources.configuration_keys", flexible: flexible) }
            try reader.endStructure("resources", flexible: flexible)
            return Resource(type: type, name: name, keys: keys)
        }
        includeSynonyms = try reader.readBool("include_synonyms")
        includeDocumentation = version >= 3 ? try reader.readBool("include_documentation") : false
        try reader.endStructure("DescribeConfigsRequest", flexible: flexible)
    }
}
