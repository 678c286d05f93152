// libFuzzer entry for the JSON reader behind POST /alerts; built by scripts/fuzz-json-reader.
//
// Whatever the input, reading either fails with an error or yields a value whose encoding
// reads back to the same value.

@_cdecl("LLVMFuzzerTestOneInput")
public func jsonReaderFuzzTest(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let value = try? JSONReader.parse(bytes) else { return 0 }
    let again = try? JSONReader.parse(value.encoded())
    precondition(again == value, "encoding did not round-trip")
    return 0
}
