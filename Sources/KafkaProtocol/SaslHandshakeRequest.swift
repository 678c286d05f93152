/// SaslHandshake (key 17) v1: names the mechanism; authentication bytes then go in
/// SaslAuthenticate requests.
public struct SaslHandshakeRequest: KafkaRequest, Equatable {
    public typealias Response = SaslHandshakeResponse
    public static let apiKey = ApiKey.saslHandshake
    public static let supportedVersions: ClosedRange<Int16> = 1...1
    public static let firstFlexibleVersion: Int16? = nil

    public var mechanism: String

    public init(mechanism: String) { self.mechanism = mechanism }

    public func encode(into writer: inout WireWriter, version: Int16) throws {
        try writer.writeString(mechanism, flexible: false, field: "mechanism")
    }

    public init(from reader: inout WireReader, version: Int16) throws {
        mechanism = try reader.readString("mechanism", flexible: false)
    }
}
