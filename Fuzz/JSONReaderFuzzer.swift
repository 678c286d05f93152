// libFuzzer entry for the JSON reader behind POST /alerts; built by scripts/fuzz-json-reader.
//
// Whatever the input, reading either fails with an error or yields a value whose encoding
// reads back to the same value; and scanning it while reading nothing (every value skipped, as
// a one-pass decoder skips the members it does not use) accepts and refuses exactly alike.

@_cdecl("LLVMFuzzerTestOneInput")
public func jsonReaderFuzzTest(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let read: Result<JSONValue, JSONReaderError>
    do { read = .success(try JSONReader.parse(bytes)) } catch { read = .failure(error) }
    let skipped: JSONReaderError?
    do {
        try JSONScanner.scan(bytes) { _ throws(JSONReaderError) in }
        skipped = nil
    } catch {
        skipped = error
    }
    switch read {
    case .failure(let error):
        precondition(skipped == error, "skipping gave \(String(describing: skipped)), reading \(error)")
    case .success(let value):
        precondition(skipped == nil, "skipping refused what reading accepted: \(String(describing: skipped))")
        let again = try? JSONReader.parse(value.encoded())
        precondition(again == value, "encoding did not round-trip")
    }
    return 0
}
