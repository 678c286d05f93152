// libFuzzer entry for the reader of Kubernetes protobuf bodies behind POST and PUT of the
// built-in kinds; built by scripts/fuzz-protobuf-body.
//
// Whatever the input, reading either fails with a ProtobufError or yields a JSON object that
// starts with its kind and apiVersion and whose encoding reads back to the same value; reading
// the same bytes again gives the same answer.

@_cdecl("LLVMFuzzerTestOneInput")
public func protobufBodyFuzzTest(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let decoder = ProtobufObjectDecoder()
    func read() -> Result<JSONValue, ProtobufError> {
        do {
            var envelope = try decoder.envelope(bytes)
            if envelope.kind.isEmpty { envelope.kind = "Deployment" }
            if envelope.apiVersion.isEmpty { envelope.apiVersion = "apps/v1" }
            return .success(try decoder.object(bytes, envelope).object)
        } catch {
            return .failure(error)
        }
    }
    let first = read()
    switch (first, read()) {
    case (.failure(let error), .failure(let again)):
        precondition(error == again, "read twice: \(error), then \(again)")
    case (.success(let value), .success(let again)):
        precondition(value == again, "read twice, two objects")
        guard case .object(let members) = value else { preconditionFailure("not an object") }
        precondition(members.prefix(2).map { $0.key } == ["kind", "apiVersion"], "no kind first")
        precondition((try? JSONReader.parse(value.encoded())) == value, "encoding did not round-trip")
    default:
        preconditionFailure("read twice, once refused and once read")
    }
    return 0
}
