/// The broker's side of one SASL round.
public struct SaslAuthenticateResponse: KafkaResponse, Equatable {
    public var errorCode: Int16
    public var errorMessage: String?
    public var authBytes: [UInt8]
    public var sessionLifetimeMs: Int64

    public init(errorCode: Int16, errorMessage: String?, authBytes: [UInt8], sessionLifetimeMs: Int64 = 0) {
        self.errorCode = errorCode
        self.errorMessage = errorMessage
        self.authBytes = authBytes
        self.sessionLifetimeMs = sessionLifetimeMs
    }

    public init(from reader: inout WireReader, version: Int16) throws {
        let flexible = SaslAuthenticateRequest.isFlexible(version)
        errorCode = try reader.readInt16("error_code")
        errorMessage = try reader.readNullableString("error_message", flexible: flexible)
        authBytes = try reader.readBytes("auth_bytes", flexible: flexible)
        sessionLifetimeMs = version >= 1 ? try reader.readInt64("session_lifetime_ms") : 0
        try reader.endStructure("SaslAuthenticateResponse", flexible: flexible)
    }

    public func encode(into writer: inout WireWriter, version: Int16) throws {
        let flexible = SaslAuthenticateRequest.isFlexible(version)
        writer.writeInt16(errorCode)
        try writer.writeNullableString(errorMessage, flexible: flexible, field: "error_message")
        writer.writeBytes(authBytes, flexible: flexible)
        if version >= 1 { writer.writeInt64(sessionLifetimeMs) }
        writer.endStructure(flexible: flexible)
    }
}
