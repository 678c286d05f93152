/// AlterConfigs (key 33): replaces a resource's whole dynamic configuration with the entries
/// given (keys left out are reset). v0–v1 classic, v2 flexible; librdkafka sends v0–v2.
public struct AlterConfigsRequest: KafkaRequest, Equatable {
    public typealias Response = AlterConfigsResponse
    public static let apiKey = ApiKey.alterConfigs
    public static let supportedVersions: ClosedRange<Int16> = 0...2
    public static let firstFlexibleVersion: Int16? = 2

    public struct Config: Sendable, Equatable {
        public var name: String
        public var value: String?

        public init(name: String, value: String?) {
            self.name = name
            self.value = value
        }
    }

    public struct Resource: Sendable, Equatable {
        public var type: ConfigResourceType
        public var name: String
        public var configs: [Config]

        public init(type: ConfigResourceType, name: String, configs: [Config]) {
            self.type = type
            self.name = name
            self.configs = configs
        }
    }

    public var resources: [Resource]
    public var validateOnly: Bool

    public init(resources: [Resource], validateOnly: Bool = false) {
        self.resources = resources
        self.validateOnly = validateOnly
    }

    public func encode(into writer: inout WireWriter, version: Int16) throws {
        let flexible = Self.isFlexible(version)
        try writer.writeArray(resources, flexible: flexible) { writer, resource in
            writer.writeInt8(resource.type.rawValue)
            try writer.writeString(resource.name, flexible: flexible, field: "resources.resource_name")
            try writer.writeArray(resource.configs, flexible: flexible) { writer, config in
                try writer.writeString(config.name, flexible: flexible, field: "configs.name")
                try writer.writeNullableString(config.value, flexible: flexible, field: "configs.value")
                writer.endStructure(flexible: flexible)
            }
            writer.endStructure(flexible: flexible)
        }
        writer.writeBool(validateOnly)
        writer.endStructure(flexible: flexible)
    }

    public init(from reader: inout WireReader, version: Int16) throws {
        let flexible = Self.isFlexible(version)
        resources = try reader.readArray("resources", flexible: flexible, minimumElementSize: 3) { reader in
            let type = try reader.readResourceType("resources.resource_type")
            let name = try reader.readString("resources.resource_name", flexible: flexible)
            let configs = try reader.readArray("resources.configs", flexible: flexible, minimumElementSize: 2)
            {
                reader in
                let config = Config(
                    name: try reader.readString("configs.name", flexible: flexible),
                    value: try reader.readNullableString("configs.value", flexible: flexible))
                try reader.endStructure("configs", flexible: flexible)
                return config
            }
            try reader.endStructure("resources", flexible: flexible)
            return Resource(type: type, name: name, configs: configs)
        }
        validateOnly = try reader.readBool("validate_only")
        try reader.endStructure("AlterConfigsRequest", flexible: flexible)
    }
}
