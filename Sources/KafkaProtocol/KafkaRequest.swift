/// A request body: the client encodes it, a broker decodes it. Tied to the response it expects.
public protocol KafkaRequest: Sendable {
    associatedtype Response: KafkaResponse

    static var apiKey: ApiKey { get }
    /// The versions implemented in both directions; a client's negotiation picks the highest
    /// one the broker has too, and a broker offers exactly these.
    static var supportedVersions: ClosedRange<Int16> { get }
    /// The first version that uses the flexible (compact, tagged) encoding, nil if none we implement.
    static var firstFlexibleVersion: Int16? { get }

    func encode(into writer: inout WireWriter, version: Int16) throws
    /// Reads the body of the given version, as a broker does.
    init(from reader: inout WireReader, version: Int16) throws
}

/// A response body: a broker encodes it, the client decodes it.
public protocol KafkaResponse: Sendable {
    init(from reader: inout WireReader, version: Int16) throws
    func encode(into writer: inout WireWriter, version: Int16) throws
}

extension KafkaRequest {
    public static func isFlexible(_ version: Int16) -> Bool {
        guard let first = firstFlexibleVersion else { return false }
        return version >= first
    }

    /// Response header v1 follows flexible versions, except for ApiVersions, whose response
    /// header stays v0 so that a broker can answer a version it does not understand.
    public static func responseHeaderIsFlexible(_ version: Int16) -> Bool {
        apiKey != .apiVersions && isFlexible(version)
    }

    /// Throws `unsupportedVersion` unless `version` is one this codec implements.
    public static func checkVersion(_ version: Int16) throws {
        guard supportedVersions.contains(version) else {
            throw KafkaCodecError.unsupportedVersion(api: apiKey.description, version: version)
        }
    }
}
