/// The request header: v1 (non-flexible bodies) or v2 (flexible bodies, adds tagged fields).
public struct RequestHeader: Sendable, Equatable {
    public var apiKey: ApiKey
    public var apiVersion: Int16
    public var correlationId: Int32
    public var clientId: String?

    public init(apiKey: ApiKey, apiVersion: Int16, correlationId: Int32, clientId: String?) {
        self.apiKey = apiKey
        self.apiVersion = apiVersion
        self.correlationId = correlationId
        self.clientId = clientId
    }

    /// `flexible` selects header v2. The client id stays a classic int16-length string even in v2.
    public func encode(into writer: inout WireWriter, flexible: Bool) throws {
        writer.writeInt16(apiKey.rawValue)
        writer.writeInt16(apiVersion)
        writer.writeInt32(correlationId)
        try writer.writeNullableString(clientId, flexible: false, field: "client_id")
        if flexible { writer.writeEmptyTaggedFields() }
    }

    /// Reads a header as a broker does: the api key and version come first and decide whether
    /// the header is v1 or v2. A version above the ones we implement still gets the header its
    /// key uses from the first flexible version on, as Kafka's generated code does, so that an
    /// ApiVersions request from a newer client can be answered with UNSUPPORTED_VERSION.
    public init(from reader: inout WireReader) throws {
        let rawKey = try reader.readInt16("request_api_key")
        apiVersion = try reader.readInt16("request_api_version")
        correlationId = try reader.readInt32("correlation_id")
        guard let key = ApiKey(rawValue: rawKey) else { throw KafkaCodecError.unknownApiKey(rawKey) }
        apiKey = key
        clientId = try reader.readNullableString("client_id", flexible: false)
        try reader.endStructure("request header", flexible: key.requestType.isFlexible(apiVersion))
    }
}
