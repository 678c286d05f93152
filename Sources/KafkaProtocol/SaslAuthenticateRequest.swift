/// SaslAuthenticate (key 36): one round of the SASL exchange. v1 classic, v2 flexible.
public struct SaslAuthenticateRequest: KafkaRequest, Equatable {
    public typealias Response = SaslAuthenticateResponse
    public static let apiKey = ApiKey.saslAuthenticate
    public static let supportedVersions: ClosedRange<Int16> = 1...2
    public static let firstFlexibleVersion: Int16? = 2

    public var authBytes: [UInt8]

    public init(authBytes: [UInt8]) { self.authBytes = authBytes }

    public func encode(into writer: inout WireWriter, version: Int16) throws {
        let flexible = Self.isFlexible(version)
        writer.writeBytes(authBytes, flexible: flexible)
        if flexible { writer.writeEmptyTaggedFields() }
    }

    public init(from reader: inout WireReader, version: Int16) throws {
        let flexible = Self.isFlexible(version)
        authBytes = try reader.readBytes("auth_bytes", flexible: flexible)
        try reader.endStructure("SaslAuthenticateRequest", flexible: flexible)
    }
}
