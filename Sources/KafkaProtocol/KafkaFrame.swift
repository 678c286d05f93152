/// Framing: every request and response is an int32 size followed by that many bytes.
public enum KafkaFrame {
    /// The default bound on a response, checked before any memory is reserved for it.
    public static let defaultMaximumResponseSize = 100 * 1024 * 1024
    /// The smallest request payload: api key, version, correlation id and a client id length.
    static let minimumRequestSize = 10

    // MARK: The client's side

    /// The request's bytes on the wire: size prefix, header, body.
    public static func encodeRequest<Request: KafkaRequest>(
        _ request: Request, version: Int16, correlationId: Int32, clientId: String?
    ) throws -> [UInt8] {
        var body = WireWriter()
        let header = RequestHeader(
            apiKey: Request.apiKey, apiVersion: version, correlationId: correlationId, clientId: clientId)
        try header.encode(into: &body, flexible: Request.isFlexible(version))
        try request.encode(into: &body, version: version)
        return framed(body)
    }

    /// The size a 4-byte prefix announces, after checking it against `limit`.
    public static func responseSize(prefix: [UInt8], limit: Int) throws -> Int {
        try size(prefix: prefix, minimum: 4, limit: limit)
    }

    /// Decodes a response frame's payload (without the size prefix): the header's correlation id,
    /// then the body of the given version, which must use every byte.
    public static func decodeResponse<Request: KafkaRequest>(
        _ type: Request.Type, version: Int16, payload: [UInt8]
    ) throws -> (correlationId: Int32, response: Request.Response) {
        var reader = WireReader(payload)
        let header = try ResponseHeader(from: &reader, flexible: Request.responseHeaderIsFlexible(version))
        let response = try Request.Response(from: &reader, version: version)
        try reader.expectEnd()
        return (header.correlationId, response)
    }

    // MARK: The broker's side

    /// The size a request's 4-byte prefix announces, after checking it against `limit`.
    public static func requestSize(prefix: [UInt8], limit: Int) throws -> Int {
        try size(prefix: prefix, minimum: minimumRequestSize, limit: limit)
    }

    /// Reads a request frame's header (the payload without the size prefix) and returns it with
    /// a reader positioned at the body, which `decodeRequest(_:header:body:)` then reads by api key.
    public static func decodeRequestHeader(payload: [UInt8]) throws -> (
        header: RequestHeader, body: WireReader
    ) {
        var reader = WireReader(payload)
        let header = try RequestHeader(from: &reader)
        return (header, reader)
    }

    /// Decodes the body that follows `header` as a `Request`. Throws `unsupportedVersion` for a
    /// version outside `Request.supportedVersions`.
    ///
    /// Bytes after the body are ignored, as Kafka's brokers ignore them: librdkafka's all-topics
    /// Metadata v9+ leaves three bytes of its array-count placeholder behind, and Kafka reads the
    /// request as asking for every topic. Responses stay strict (`decodeResponse`).
    public static func decodeRequest<Request: KafkaRequest>(
        _ type: Request.Type, header: RequestHeader, body: WireReader
    ) throws -> Request {
        guard header.apiKey == Request.apiKey else {
            throw KafkaCodecError.invalidValue(field: "request_api_key", value: Int(header.apiKey.rawValue))
        }
        try Request.checkVersion(header.apiVersion)
        var reader = body
        return try Request(from: &reader, version: header.apiVersion)
    }

    /// Header and body of a request frame's payload, for a caller that knows what it expects.
    public static func decodeRequest<Request: KafkaRequest>(_ type: Request.Type, payload: [UInt8]) throws
        -> (header: RequestHeader, request: Request)
    {
        let (header, body) = try decodeRequestHeader(payload: payload)
        return (header, try decodeRequest(type, header: header, body: body))
    }

    /// The response's bytes on the wire: size prefix, response header v0 or v1, body.
    public static func encodeResponse<Request: KafkaRequest>(
        _ response: Request.Response, to type: Request.Type, version: Int16, correlationId: Int32
    ) throws -> [UInt8] {
        try Request.checkVersion(version)
        var body = WireWriter()
        ResponseHeader(correlationId: correlationId)
            .encode(into: &body, flexible: Request.responseHeaderIsFlexible(version))
        try response.encode(into: &body, version: version)
        return framed(body)
    }

    // MARK: Shared

    private static func framed(_ body: WireWriter) -> [UInt8] {
        var frame = WireWriter()
        frame.writeInt32(Int32(truncatingIfNeeded: body.bytes.count))
        return frame.bytes + body.bytes
    }

    private static func size(prefix: [UInt8], minimum: Int, limit: Int) throws -> Int {
        var reader = WireReader(prefix)
        let size = Int(try reader.readInt32("frame size"))
        guard size >= minimum else { throw KafkaCodecError.frameTooSmall(size: size) }
        guard size <= limit else { throw KafkaCodecError.frameTooLarge(size: size, limit: limit) }
        return size
    }
}
