/// DescribeAcls (key 29): one filter. v1 adds the pattern type filter (v0 is deprecated and
/// gone since Kafka 4.0), v2 is flexible, v3 allows the USER resource type.
public struct DescribeAclsRequest: KafkaRequest, Equatable {
    public typealias Response = DescribeAclsResponse
    public static let apiKey = ApiKey.describeAcls
    public static let supportedVersions: ClosedRange<Int16> = 1...3
    public static let firstFlexibleVersion: Int16? = 2

    public var filter: AclBindingFilter

    public init(filter: AclBindingFilter) { self.filter = filter }

    public func encode(into writer: inout WireWriter, version: Int16) throws {
        let flexible = Self.isFlexible(version)
        try filter.write(into: &writer, flexible: flexible, field: "")
        writer.endStructure(flexible: flexible)
    }

    public init(from reader: inout WireReader, version: Int16) throws {
        let flexible = Self.isFlexible(version)
        filter = try AclBindingFilter(from: &reader, flexible: flexible, field: "")
        try reader.endStructure("DescribeAclsRequest", flexible: flexible)
    }
}
