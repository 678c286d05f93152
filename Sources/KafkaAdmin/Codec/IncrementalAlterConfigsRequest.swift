/// IncrementalAlterConfigs (key 44): v0 classic, v1 flexible.
public struct IncrementalAlterConfigsRequest: KafkaRequest {
    public typealias Response = IncrementalAlterConfigsResponse
    public static let apiKey = ApiKey.incrementalAlterConfigs
    public static let supportedVersions: ClosedRange<Int16> = 0...1
    public static let firstFlexibleVersion: Int16? = 1

    /// The wire operation codes: SET = 0, DELETE = 1.
    public enum Operation: Sendable, Equatable, Hashable {
        case set(key: String, value: String)
        case delete(key: String)

        public var key: String {
            switch self {
            case .set(let key, _): return key
            case .delete(let key): return key
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
        writer.writeArrayCount(resources.count, flexible: flexible)
        for resource in resources {
            writer.writeInt8(resource.type.rawValue)
            try writer.writeString(resource.name, flexible: flexible, field: "resources.resource_name")
            writer.writeArrayCount(resource.operations.count, flexible: flexible)
            for operation in resource.operations {
                try writer.writeString(operation.key, flexible: flexible, field: "configs.name")
                switch operation {
                case .set(_, let value):
                    writer.writeInt8(0)
                    try writer.writeNullableString(value, flexible: flexible, field: "configs.value")
                case .delete:
                    writer.writeInt8(1)
                    try writer.writeNullableString(nil, flexible: flexible, field: "configs.value")
                }
                if flexible { writer.writeEmptyTaggedFields() }
            }
            if flexible { writer.writeEmptyTaggedFields() }
        }
        writer.writeBool(validateOnly)
        if flexible { writer.writeEmptyTaggedFields() }
    }
}
