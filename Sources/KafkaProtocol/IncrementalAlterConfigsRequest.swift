/// IncrementalAlterConfigs (key 44): v0 classic, v1 flexible.
public struct IncrementalAlterConfigsRequest: KafkaRequest, Equatable {
    public typealias Response = IncrementalAlterConfigsResponse
    public static let apiKey = ApiKey.incrementalAlterConfigs
    public static let supportedVersions: ClosedRange<Int16> = 0...1
    public static let firstFlexibleVersion: Int16? = 1

    /// The wire operation codes: SET = 0, DELETE = 1, APPEND = 2, SUBTRACT = 3 (the last two
    /// edit list-valued keys).
    public enum Operation: Sendable, Equatable, Hashable {
        case set(key: String, value: String)
        case delete(key: String)
        case append(key: String, value: String)
        case subtract(key: String, value: String)

        public var key: String {
            switch self {
            case .set(let key, _), .delete(let key), .append(let key, _), .subtract(let key, _): return key
            }
        }

        var code: Int8 {
            switch self {
            case .set: return 0
            case .delete: return 1
            case .append: return 2
            case .subtract: return 3
            }
        }

        var value: String? {
            switch self {
            case .set(_, let value), .append(_, let value), .subtract(_, let value): return value
            case .delete: return nil
            }
        }

        /// DELETE ignores the value; the others need one, so a null value with them is refused.
        init(code: Int8, key: String, value: String?) throws {
            if code == 1 {
                self = .delete(key: key)
                return
            }
            guard (0...3).contains(code) else {
                throw KafkaCodecError.invalidValue(field: "configs.config_operation", value: Int(code))
            }
            guard let value else { throw KafkaCodecError.unexpectedNull(field: "configs.value") }
            switch code {
            case 0: self = .set(key: key, value: value)
            case 2: self = .append(key: key, value: value)
            default: self = .subtract(key: key, value: value)
            }
        }
    }

    public struct Resource: Sendable, Equatable {
        public var type: ConfigResourceType
        public var name: String
        public var operations: [Operation]

        public init(type: ConfigResourceType, name: String, operations: [Operation]) {
            self.type = type
            self.name = name
            self.operations = operations
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
            try writer.writeArray(resource.operations, flexible: flexible) { writer, operation in
                try writer.writeString(operation.key, flexible: flexible, field: "configs.name")
                writer.writeInt8(operation.code)
                try writer.writeNullableString(operation.value, flexible: flexible, field: "configs.value")
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
            let operations = try reader.readArray(
                "resources.configs", flexible: flexible, minimumElementSize: 3
            ) {
                reader in
                let key = try reader.readString("configs.name", flexible: flexible)
                let code = try reader.readInt8("configs.config_operation")
                let value = try reader.readNullableString("configs.value", flexible: flexible)
                try reader.endStructure("configs", flexible: flexible)
                return try Operation(code: code, key: key, value: value)
            }
            try reader.endStructure("resources", flexible: flexible)
            return Resource(type: type, name: name, operations: operations)
        }
        validateOnly = try reader.readBool("validate_only")
        try reader.endStructure("IncrementalAlterConfigsRequest", flexible: flexible)
    }
}
