/// DescribeCluster (key 60): cluster id, controller and brokers. Flexible from v0; v1 adds the
/// endpoint type (1 = brokers, 2 = controllers).
public struct DescribeClusterRequest: KafkaRequest, Equatable {
    public typealias Response = DescribeClusterResponse
    public static let apiKey = ApiKey.describeCluster
    public static let supportedVersions: ClosedRange<Int16> = 0...1
    public static let firstFlexibleVersion: Int16? = 0

    public var includeClusterAuthorizedOperations: Bool
    /// v1+; v0 always means brokers.
    public var endpointType: Int8

    public init(includeClusterAuthorizedOperations: Bool = false, endpointType: Int8 = 1) {
        self.includeClusterAuthorizedOperations = includeClusterAuthorizedOperations
        self.endpointType = endpointType
    }

    public func encode(into writer: inout WireWriter, version: Int16) throws {
        writer.writeBool(includeClusterAuthorizedOperations)
        if version >= 1 { writer.writeInt8(endpointType) }
        writer.writeEmptyTaggedFields()
    }

    public init(from reader: inout WireReader, version: Int16) throws {
        includeClusterAuthorizedOperations = try reader.readBool("include_cluster_authorized_operations")
        endpointType = version >= 1 ? try reader.readInt8("endpoint_type") : 1
        try reader.skipTaggedFields("DescribeClusterRequest")
    }
}
