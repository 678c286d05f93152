/// DescribeCluster (key 60): cluster id, controller and brokers. Flexible from v0; v1 adds the
/// endpoint type (1 = brokers).
public struct DescribeClusterRequest: KafkaRequest {
    public typealias Response = DescribeClusterResponse
    public static let apiKey = ApiKey.describeCluster
    public static let supportedVersions: ClosedRange<Int16> = 0...1
    public static let firstFlexibleVersion: Int16? = 0

    public init() {}

    public func encode(into writer: inout WireWriter, version: Int16) throws {
        writer.writeBool(false)  // include_cluster_authorized_operations
        if version >= 1 { writer.writeInt8(1) }  // endpoint_type: brokers
        writer.writeEmptyTaggedFields()
    }
}
