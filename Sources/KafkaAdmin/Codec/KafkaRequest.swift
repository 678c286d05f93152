/// A request body this client can encode, tied to the response it expects.
public protocol KafkaRequest: Sendable {
    associatedtype Response: KafkaResponse

    static var apiKey: ApiKey { get }
    /// The versions this client implements; negotiation picks the highest one the broker has too.
    static var supportedVersions: ClosedRange<Int16> { get }
    /// The first version that uses the flexible (compact, tagged) encoding, nil if none we implement.
    static var firstFlexibleVersion: Int16? { get }

    func encode(into writer: inout WireWriter, version: Int16) throws
}

/// A response body this client can decode.
public protocol KafkaResponse: Sendable {
    init(from reader: inout WireReader, version: Int16) throws
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
}
