/// DeleteAcls (key 31): filters, each removing every ACL it matches. v1 adds the pattern type
/// filter (v0 is gone since Kafka 4.0), v2 is flexible, v3 allows the USER resource type.
public struct DeleteAclsRequest: KafkaRequest, Equatable {
    public typealias Response = DeleteAclsResponse
    public static let apiKey = ApiKey.deleteAcls
    public static let supportedVersions: ClosedRange<Int16> = 1...3
    public static let firstFlexibleVersion: Int16? = 2

    public var filters: [AclBindingFilter]

    public init(filters: [AclBindingFilter]) { self.filters = filters }

    public func encode(into writer: inout WireWriter, version: Int16) throws {
        let flexible = Self.isFlexible(version)
        try writer.writeArray(filters, flexible: flexible) { writer, filter in
            try filter.write(into: &writer, flexible: flexible, field: "filters.")
            writer.endStructure(flexible: flexible)
        }
        writer.endStructure(flexible: flexible)
    }

    public init(from reader: inout WireReader, version: Int16) throws {
        let flexible = Self.isFlexible(version)
        // Four codes and three null strings (one byte each when flexible, two when not).
        filters = try reader.readArray("filters", flexible: flexible, minimumElementSize: flexible ? 7 : 10) {
            reader in
            let filter = try AclBindingFilter(from: &reader, flexible: flexible, field: "filters.")
            try reader.endStructure("filters", flexible: flexible)
            return filter
        }
        try reader.endStructure("DeleteAclsRequest", flexible: flexible)
    }
}
