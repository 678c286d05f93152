/// The cluster as the answering broker sees it.
public struct DescribeClusterResponse: KafkaResponse, Equatable, Codable {
    public var throttleTimeMs: Int32
    public var errorCode: Int16
    public var errorMessage: String?
    /// v1+: what the broker list holds (1 = brokers).
    public var endpointType: Int8
    public var clusterId: String
    public var controllerId: Int32
    public var brokers: [MetadataResponse.Broker]
    /// `Int32.min` when not asked for.
    public var clusterAuthorizedOperations: Int32

    public init(
        throttleTimeMs: Int32 = 0, errorCode: Int16 = 0, errorMessage: String? = nil, endpointType: Int8 = 1,
        clusterId: String, controllerId: Int32, brokers: [MetadataResponse.Broker],
        clusterAuthorizedOperations: Int32 = Int32.min
    ) {
        self.throttleTimeMs = throttleTimeMs
        self.errorCode = errorCode
        self.errorMessage = errorMessage
        self.endpointType = endpointType
        self.clusterId = clusterId
        self.controllerId = controllerId
        self.brokers = brokers
        self.clusterAuthorizedOperations = clusterAuthorizedOperations
    }

    public init(from reader: inout WireReader, version: Int16) throws {
        throttleTimeMs = try reader.readInt32("throttle_time_ms")
        errorCode = try reader.readInt16("error_code")
        errorMessage = try reader.readNullableString("error_message", flexible: true)
        endpointType = version >= 1 ? try reader.readInt8("endpoint_type") : 1
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
        clusterAuthorizedOperations = try reader.readInt32("cluster_authorized_operations")
        try reader.skipTaggedFields("DescribeClusterResponse")
    }

    public func encode(into writer: inout WireWriter, version: Int16) throws {
        writer.writeInt32(throttleTimeMs)
        writer.writeInt16(errorCode)
        try writer.writeNullableString(errorMessage, flexible: true, field: "error_message")
        if version >= 1 { writer.writeInt8(endpointType) }
        try writer.writeString(clusterId, flexible: true, field: "cluster_id")
        writer.writeInt32(controllerId)
        try writer.writeArray(brokers, flexible: true) { writer, broker in
            writer.writeInt32(broker.nodeId)
            try writer.writeString(broker.host, flexible: true, field: "brokers.host")
            writer.writeInt32(broker.port)
            try writer.writeNullableString(broker.rack, flexible: true, field: "brokers.rack")
            writer.writeEmptyTaggedFields()
        }
        writer.writeInt32(clusterAuthorizedOperations)
        writer.writeEmptyTaggedFields()
    }
}
