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
}
