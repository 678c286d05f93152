// libFuzzer entry point for the Kafka response decoders. Built by scripts/fuzz-kafka-response
// together with Sources/KafkaProtocol, which depends on the standard library alone.

/// The first input byte picks a response type and version; the rest is a frame: a 4-byte size
/// prefix (checked against a small limit) and the payload, which every decoder must either
/// decode or reject with a `KafkaCodecError`, never crash on.
@_cdecl("LLVMFuzzerTestOneInput")
public func kafkaResponseFuzzerTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let selector = bytes.first else { return 0 }
    let rest = Array(bytes.dropFirst())
    if rest.count >= 4 {
        _ = try? KafkaFrame.responseSize(prefix: Array(rest.prefix(4)), limit: 1 << 20)
    }
    let decoders: [([UInt8]) throws -> Void] = [
        { _ = try KafkaFrame.decodeResponse(ApiVersionsRequest.self, version: 0, payload: $0) },
        { _ = try KafkaFrame.decodeResponse(ApiVersionsRequest.self, version: 3, payload: $0) },
        { _ = try KafkaFrame.decodeResponse(MetadataRequest.self, version: 1, payload: $0) },
        { _ = try KafkaFrame.decodeResponse(MetadataRequest.self, version: 8, payload: $0) },
        { _ = try KafkaFrame.decodeResponse(MetadataRequest.self, version: 9, payload: $0) },
        { _ = try KafkaFrame.decodeResponse(MetadataRequest.self, version: 12, payload: $0) },
        { _ = try KafkaFrame.decodeResponse(DescribeClusterRequest.self, version: 0, payload: $0) },
        { _ = try KafkaFrame.decodeResponse(DescribeClusterRequest.self, version: 1, payload: $0) },
        { _ = try KafkaFrame.decodeResponse(DescribeConfigsRequest.self, version: 1, payload: $0) },
        { _ = try KafkaFrame.decodeResponse(DescribeConfigsRequest.self, version: 3, payload: $0) },
        { _ = try KafkaFrame.decodeResponse(DescribeConfigsRequest.self, version: 4, payload: $0) },
        { _ = try KafkaFrame.decodeResponse(IncrementalAlterConfigsRequest.self, version: 0, payload: $0) },
        { _ = try KafkaFrame.decodeResponse(IncrementalAlterConfigsRequest.self, version: 1, payload: $0) },
        { _ = try KafkaFrame.decodeResponse(CreateTopicsRequest.self, version: 2, payload: $0) },
        { _ = try KafkaFrame.decodeResponse(CreateTopicsRequest.self, version: 5, payload: $0) },
        { _ = try KafkaFrame.decodeResponse(CreateTopicsRequest.self, version: 7, payload: $0) },
        { _ = try KafkaFrame.decodeResponse(SaslHandshakeRequest.self, version: 1, payload: $0) },
        { _ = try KafkaFrame.decodeResponse(SaslAuthenticateRequest.self, version: 1, payload: $0) },
        { _ = try KafkaFrame.decodeResponse(SaslAuthenticateRequest.self, version: 2, payload: $0) },
        { _ = try KafkaFrame.decodeResponse(AlterConfigsRequest.self, version: 0, payload: $0) },
        { _ = try KafkaFrame.decodeResponse(AlterConfigsRequest.self, version: 2, payload: $0) },
        { _ = try KafkaFrame.decodeResponse(DeleteTopicsRequest.self, version: 0, payload: $0) },
        { _ = try KafkaFrame.decodeResponse(DeleteTopicsRequest.self, version: 4, payload: $0) },
        { _ = try KafkaFrame.decodeResponse(DeleteTopicsRequest.self, version: 6, payload: $0) },
        { _ = try KafkaFrame.decodeResponse(CreatePartitionsRequest.self, version: 1, payload: $0) },
        { _ = try KafkaFrame.decodeResponse(CreatePartitionsRequest.self, version: 3, payload: $0) },
        { _ = try KafkaFrame.decodeResponse(DescribeLogDirsRequest.self, version: 1, payload: $0) },
        { _ = try KafkaFrame.decodeResponse(DescribeLogDirsRequest.self, version: 4, payload: $0) },
        { _ = try KafkaFrame.decodeResponse(DescribeAclsRequest.self, version: 1, payload: $0) },
        { _ = try KafkaFrame.decodeResponse(DescribeAclsRequest.self, version: 3, payload: $0) },
        { _ = try KafkaFrame.decodeResponse(CreateAclsRequest.self, version: 1, payload: $0) },
        { _ = try KafkaFrame.decodeResponse(CreateAclsRequest.self, version: 3, payload: $0) },
        { _ = try KafkaFrame.decodeResponse(DeleteAclsRequest.self, version: 1, payload: $0) },
        { _ = try KafkaFrame.decodeResponse(DeleteAclsRequest.self, version: 3, payload: $0) },
    ]
    let payload = rest.count >= 4 ? Array(rest.dropFirst(4)) : rest
    do {
        try decoders[Int(selector) % decoders.count](payload)
    } catch is KafkaCodecError {
        // Rejecting hostile input with a codec error is the expected outcome.
    } catch {
        fatalError("a decoder threw something other than KafkaCodecError: \(error)")
    }
    return 0
}
