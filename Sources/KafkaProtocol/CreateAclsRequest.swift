/// CreateAcls (key 30): v1 adds the pattern type (v0, LITERAL only, is gone since Kafka 4.0),
/// v2 is flexible, v3 allows the USER resource type.
public struct CreateAclsRequest: KafkaRequest, Equatable {
    public typealias Response = CreateAclsResponse
    public static let apiKey = ApiKey.createAcls
    public static let supportedVersions: ClosedRange<Int16> = 1...3
    public static let firstFlexibleVersion: Int16? = 2

    public var creations: [AclBinding]

    public init(creations: [AclBinding]) { self.creations = creations }

    public func encode(into writer: inout WireWriter, version: Int16) throws {
        let flexible = Self.isFlexible(version)
        try writer.writeArray(creations, flexible: flexible) { writer, binding in
            try binding.write(into: &writer, flexible: flexible, field: "creations.")
            writer.endStructure(flexible: flexible)
        }
        writer.endStructure(flexible: flexible)
    }

    public init(from reader: inout WireReader, version: Int16) throws {
        let flexible = Self.isFlexible(version)
        creations = try reader.readArray(
            "creations", flexible: flexible, minimumElementSize: AclBinding.minimumSize(flexible: flexible)
        ) { reader in
            let binding = try AclBinding(from: &reader, flexible: flexible, field: "creations.")
            try reader.endStructure("creations", flexible: flexible)
            return binding
        }
        try reader.endStructure("CreateAclsRequest", flexible: flexible)
    }
}
