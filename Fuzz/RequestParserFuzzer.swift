// libFuzzer entry for the HTTP request parser; built by scripts/fuzz-request-parser.
//
// The first input byte picks where the rest is split in two, so the fuzzer explores both
// whole-buffer parsing and requests that arrive in pieces. Limits are small to reach the
// 413/431 paths quickly.

@_cdecl("LLVMFuzzerTestOneInput")
public func requestParserFuzzTest(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size > 0 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let split = 1 + Int(bytes[0]) % max(1, size - 1)
    var parser = RequestParser(limits: .init(maxHeadBytes: 512, maxBodyBytes: 256, maxChunkLineBytes: 64))
    var bodies = 0
    for piece in [bytes[1..<min(split, size)], bytes[min(split, size)...]] {
        parser.append(Array(piece))
        do {
            while let event = try parser.next() {
                if case .body(let body) = event {
                    precondition(body.count <= 256, "a body beyond the limit was accepted")
                    bodies += 1
                }
            }
        } catch {
            _ = error.status
            return 0
        }
    }
    precondition(bodies <= size, "more requests than input bytes")
    return 0
}
