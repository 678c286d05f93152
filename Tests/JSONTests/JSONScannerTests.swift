import Testing

@testable import JSON

@Suite struct JSONScannerTests {
    /// A value a decoder leaves unread is checked as strictly as one it reads: the whole body is
    /// valid JSON or refused with the reader's own error.
    @Test(arguments: JSONReaderTests.refused)
    func skippingRefusesWhatReadingRefuses(_ row: (json: [UInt8], error: JSONReaderError)) {
        #expect(throws: row.error) { try JSONScanner.scan(row.json) { _ throws(JSONReaderError) in } }
    }

    @Test(arguments: JSONReaderTests.accepted)
    func skippingAcceptsWhatReadingAccepts(_ row: (json: String, value: JSONValue)) throws {
        try JSONScanner.scan(Array(row.json.utf8)) { _ throws(JSONReaderError) in }
    }

    /// Members left unread, nested ones included, are checked too.
    static let refusedInsideSkippedMembers: [(json: String, error: JSONReaderError)] = [
        (#"{"a":"x","b":{"c":1,"c":2}}"#, .duplicateKey("c")),
        (#"{"a":"x","b":"\ud800"}"#, .invalidEscape(offset: 20)),
        ("{\"a\":\"x\",\"b\":\"\u{1}\"}", .controlCharacterInString(offset: 14)),
        (#"{"a":"x","b":[1,]}"#, .unexpectedByte(offset: 16)),
        (#"{"a":"x","b":01}"#, .unexpectedByte(offset: 14)),
        (#"{"a":"x","b":tru}"#, .unexpectedByte(offset: 16)),
        (#"{"a":"x","b":"# + String(repeating: "[", count: 64), .tooDeep(limit: 64)),
    ]

    @Test(arguments: refusedInsideSkippedMembers)
    func aDecoderThatReadsOneMemberStillRefusesErrorsInTheOthers(
        _ row: (json: String, error: JSONReaderError)
    ) {
        #expect(throws: row.error) {
            try JSONScanner.scan(Array(row.json.utf8)) { scanner throws(JSONReaderError) in
                try scanner.readObject { scanner, key throws(JSONReaderError) in
                    if key == "a" { _ = try scanner.readString() }
                }
            }
        }
    }

    @Test func invalidUTF8InASkippedStringIsRefused() {
        let body: [UInt8] = Array(#"{"a":"x","b":""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8)
        #expect(throws: JSONReaderError.invalidUTF8(offset: 13)) {
            try JSONScanner.scan(body) { _ throws(JSONReaderError) in }
        }
    }

    @Test func readsMembersAndElementsInDocumentOrder() throws {
        var seen: [String] = []
        try JSONScanner.scan(Array(#"{"b":[1,"x"],"a":"y"}"#.utf8)) { scanner throws(JSONReaderError) in
            try scanner.readObject { scanner, key throws(JSONReaderError) in
                seen.append(key)
                if key == "b" {
                    try scanner.readArray { scanner, position throws(JSONReaderError) in
                        let kind = try scanner.kind()
                        seen.append("\(position):\(kind)")
                    }
                } else {
                    seen.append(try scanner.readString())
                }
            }
        }
        #expect(seen == ["b", "0:a number", "1:a string", "a", "y"])
    }

    @Test func readingAValueOfAnotherKindIsAnErrorNotACrash() {
        #expect(throws: JSONReaderError.unexpectedByte(offset: 0)) {
            try JSONScanner.scan(Array("1".utf8)) { scanner throws(JSONReaderError) in
                try scanner.readString()
            }
        }
        #expect(throws: JSONReaderError.unexpectedByte(offset: 0)) {
            try JSONScanner.scan(Array(#""a""#.utf8)) { scanner throws(JSONReaderError) in
                try scanner.readNumber()
            }
        }
        #expect(throws: JSONReaderError.unexpectedEnd) {
            try JSONScanner.scan([]) { scanner throws(JSONReaderError) in try scanner.readNumber() }
        }
    }
}
