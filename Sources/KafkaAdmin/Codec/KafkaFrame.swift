/// Framing: every request and response is an int32 size followed by that many bytes.
public enum KafkaFrame {
    /// The default bound on a response, checked before any memory is reserved for it.
    public static let defaultMaximumResponseSize = 100 * 1024 * 1024

    /// The request's bytes on the wire: size prefix, header, body.
    public static func encodeRequest<Request: KafkaRequest>(
        _ request: Request, version: Int16, correlationId: Int32, clientId: String?
    ) throws -> [UInt8] {
        var body = WireWriter()
        let header = RequestHeader(
            apiKey: Request.apiKey, apiVersion: version, correlationId: correlationId, clientId: clientId)
        try header.encode(into: &body, flexible: Request.isFlexible(version))
        try request.encode(into: &body, version: version)
        var frame = WireWriter()
        frame.writeInt32(Int32(truncatingIfNeeded: body.bytes.count))
        return frame.bytes + body.bytes
    }

    /// The size a 4-byte prefix announces, after checking it against `limit`.
    public static func responseSize(prefix: [UInt8], limit: Int) throws -> Int {
        var reader = WireReader(prefix)
        let size = Int(try reader.readInt32("frame size"))
        guard size >= 4 else { throw KafkaCodecError.frameTooSmall(size: size) }
        guard size <= limit else { throw KafkaCodecError.frameTooLarge(size: size, limit: limit) }
        return size
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
}
