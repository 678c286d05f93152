// libFuzzer entry point for the Kafka request decoders, as a broker runs them. Built by
// scripts/fuzz-kafka-request together with Sources/KafkaProtocol (standard library only).

/// The input is a request frame: a 4-byte size prefix (checked against a small limit) and the
/// payload, whose header names the api key and version. Every input must be decoded or
/// rejected with a `KafkaCodecError`; what decodes must encode again to the same bytes.
@_cdecl("LLVMFuzzerTestOneInput")
public func kafkaRequestFuzzerTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if bytes.count >= 4 {
        _ = try? KafkaFrame.requestSize(prefix: Array(bytes.prefix(4)), limit: 1 << 20)
    }
    let payload = Array(bytes.dropFirst(4))
    do {
        let (header, body) = try KafkaFrame.decodeRequestHeader(payload: payload)
        try reencodes(header.apiKey.requestType, header: header, body: body, payload: payload)
    } catch is KafkaCodecError {
        // Rejecting hostile input with a codec error is the expected outcome.
    } catch {
        fatalError("a decoder threw something other than KafkaCodecError: \(error)")
    }
    return 0
}

/// Decodes the body as `Request` and checks that encoding it again gives an equivalent frame:
/// one that decodes to a request that encodes to the very same bytes (tagged fields and
/// non-canonical varints may be dropped on the first pass, never on the second).
private func reencodes<Request: KafkaRequest>(
    _ type: Request.Type, header: RequestHeader, body: WireReader, payload: [UInt8]
) throws {
    let request = try KafkaFrame.decodeRequest(type, header: header, body: body)
    let once = try KafkaFrame.encodeRequest(
        request, version: header.apiVersion, correlationId: header.correlationId, clientId: header.clientId)
    let (_, again) = try KafkaFrame.decodeRequest(type, payload: Array(once.dropFirst(4)))
    let twice = try KafkaFrame.encodeRequest(
        again, version: header.apiVersion, correlationId: header.correlationId, clientId: header.clientId)
    if once != twice { fatalError("\(Request.apiKey) v\(header.apiVersion) does not round-trip") }
}
