/// The cluster as the answering broker sees it.
public struct DescribeClusterResponse: KafkaResponse, Equatable, Codable {
    public var errorCode: Int16
    public var errorMessage: String?
    public var clusterId: String
    public var controllerId: Int32
    public var brokers: [MetadataResponse.Broker]

    public init(
        errorCode: Int16 = 0, errorMessage: String? = nil, clusterId: String, controllerId: Int32,
        brokers: [MetadataResponse.Broker]
    ) {
        self.errorCode = errorCode
        self.errorMessage = errorMessage
        self.clusterId = clusterId
        self.controllerId = controllerId
        self.brokers = brokers
    }

    public init(from reader: inout WireReader, version: Int16) throws {
        _ = try reader.readInt32("throttle_time_ms")
        errorCode = try reader.readInt16("error_code")
        errorMessage = try reader.readNullableString("error_message", flexible: true)
        if version >= 1 { _ = try reader.readInt8("endpoint_type") }
        clusterId = try reader.readString("cluster_id", flexible: true)
        controllerId = try reader.readInt32("controller_id")
        brokers = try reader.readArray("brokers", flexible: true, minimumElementSize: 11) { reader in
            let broker = MetadataResponse.Broker(
                nodeId: try reader.readInt32("brokers.broker_id"),
                host: try reader.readString("brokers.host", flexible: true),
                port: try reader.readInt32("brokers.port"),
                rack: try reader.readNullableString("brokers.rack", flexible: true))
            try reader.skipTaggedFields("brokers")
            return broker
        }
        _ = try reader.readInt32("cluster_authorized_operations")
        try reader.skipTaggedFields("DescribeClusterResponse")
    }
}
