/// DescribeConfigs (key 32): v1–v3 classic, v4 flexible. Synonyms and documentation are not asked for.
public struct DescribeConfigsRequest: KafkaRequest {
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

    public init(resources: [Resource]) { self.resources = resources }

    public func encode(into writer: inout WireWriter, version: Int16) throws {
        let flexible = Self.isFlexible(version)
        writer.writeArrayCount(resources.count, flexible: flexible)
        for resource in resources {
            writer.writeInt8(resource.type.rawValue)
            try writer.writeString(resource.name, flexible: flexible, field: "resources.resource_name")
            writer.writeArrayCount(resource.keys?.count, flexible: flexible)
            for key in resource.keys ?? [] {
                try writer.writeString(key, flexible: flexible, field: "resources.configuration_keys")
            }
            if flexible { writer.writeEmptyTaggedFields() }
        }
        writer.writeBool(false)  // include_synonyms
        if version >= 3 { writer.writeBool(false) }  // include_documentation
        if flexible { writer.writeEmptyTaggedFields() }
    }
}
