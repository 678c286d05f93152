import Testing

@testable import JSON

@Suite struct ObjectKeysTests {
    /// The duplicate check costs a bounded number of probes per key, however many keys the
    /// object has: scanning every earlier key made an 80,000-key body take seconds.
    @Test(arguments: [1, ObjectKeys.scanLimit, ObjectKeys.scanLimit + 1, 1_000, 80_000])
    func findingARepeatCostsAtMostAFewProbesPerKey(_ count: Int) {
        var stack: [String] = []
        var keys = ObjectKeys(on: stack)
        var refused: [Int] = []
        for index in 0..<count where !keys.isNew("key-\(index)", on: &stack) {
            refused.append(index)
        }
        #expect(refused.isEmpty)
        let first = keys.isNew("key-0", on: &stack)
        let last = keys.isNew("key-\(count - 1)", on: &stack)
        #expect(!first && !last)
        let bound = ObjectKeys.scanLimit * ObjectKeys.scanLimit + 2 * (count + 2)
        #expect(keys.probes <= bound, "\(keys.probes) probes for \(count) keys")
    }

    /// A large object with a repeated key is refused wherever the two copies sit: both in the
    /// scanned part, across the move to the set, both in the set, first and last.
    static let repeats: [(first: Int, second: Int)] = [
        (0, 1), (0, ObjectKeys.scanLimit), (3, ObjectKeys.scanLimit + 1), (ObjectKeys.scanLimit + 1, 900),
        (0, 79_999), (40_000, 40_001),
    ]

    @Test(arguments: repeats)
    func theReaderRefusesARepeatedKeyInALargeObject(_ row: (first: Int, second: Int)) {
        var names = (0..<80_000).map { "k\($0)" }
        names[row.second] = names[row.first]
        let body = "{" + names.map { #""\#($0)":0"# }.joined(separator: ",") + "}"
        #expect(throws: JSONReaderError.duplicateKey(names[row.first])) {
            try JSONReader.parse(Array(body.utf8))
        }
    }

    /// Nested objects share one buffer of keys; each object sees only its own.
    static let nested: [(json: String, error: JSONReaderError?)] = [
        (#"{"a":{"a":1},"b":2}"#, nil),
        (#"{"a":{"b":1},"b":2}"#, nil),
        (#"{"a":{"b":1},"a":2}"#, .duplicateKey("a")),
        (#"{"a":{"b":1,"b":2}}"#, .duplicateKey("b")),
        (
            #"{"x":{"# + (0..<20).map { #""k\#($0)":{"k\#($0)":0}"# }.joined(separator: ",") + #"},"x":1}"#,
            .duplicateKey("x")
        ),
        (
            #"{"x":{"# + (0..<20).map { #""k\#($0)":{"k\#($0)":0}"# }.joined(separator: ",") + #"},"k0":1}"#,
            nil
        ),
    ]

    @Test(arguments: nested)
    func eachNestedObjectChecksOnlyItsOwnKeys(_ row: (json: String, error: JSONReaderError?)) {
        if let error = row.error {
            #expect(throws: error) { try JSONReader.parse(Array(row.json.utf8)) }
        } else {
            #expect(throws: Never.self) { try JSONReader.parse(Array(row.json.utf8)) }
        }
    }

    @Test func anEscapedKeyIsTheSameKeyInALargeObject() {
        let others = (0..<100).map { #""k\#($0)":0"# }.joined(separator: ",")
        let body = #"{"a":0,"# + others + #","\u0061":1}"#
        #expect(throws: JSONReaderError.duplicateKey("a")) { try JSONReader.parse(Array(body.utf8)) }
    }

    @Test func anObjectWith80000DistinctKeysIsReadInOrder() throws {
        let body = "{" + (0..<80_000).map { #""k\#($0)":\#($0)"# }.joined(separator: ",") + "}"
        guard case .object(let members) = try JSONReader.parse(Array(body.utf8)) else {
            Issue.record("not an object")
            return
        }
        #expect(members.count == 80_000)
        #expect(members.last?.key == "k79999")
        #expect(members.last?.value == .number("79999"))
    }
}
