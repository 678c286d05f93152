import Foundation
import TestSupport
import Testing

@testable import JSON

@Suite struct JSONReaderTests {
    static let accepted: [(json: String, value: JSONValue)] = [
        ("null", .null),
        (" true ", .bool(true)),
        ("false", .bool(false)),
        ("0", .number("0")),
        ("-12.5e+3", .number("-12.5e+3")),
        (#""""#, .string("")),
        (#""a\"b\\c\/d\n\t\u00e9\ud83d\ude00""#, .string("a\"b\\c/d\n\té😀")),
        (#""já""#, .string("já")),
        ("[]", .array([])),
        (#"[1,"x",[null]]"#, .array([.number("1"), .string("x"), .array([.null])])),
        (#"{"b":1,"a":{"c":[]}}"#, .object([("b", .number("1")), ("a", .object([("c", .array([]))]))])),
    ]

    @Test(arguments: accepted)
    func readsValidJSON(_ row: (json: String, value: JSONValue)) throws {
        #expect(try JSONReader.parse(Array(row.json.utf8)) == row.value)
    }

    static let refused: [(json: [UInt8], error: JSONReaderError)] = [
        (Array("".utf8), .unexpectedEnd),
        (Array("nul".utf8), .unexpectedEnd),
        (Array("nulL".utf8), .unexpectedByte(offset: 3)),
        (Array("01".utf8), .trailingBytes(offset: 1)),
        (Array("1.".utf8), .invalidNumber(offset: 0)),
        (Array("-".utf8), .invalidNumber(offset: 0)),
        (Array("1e".utf8), .invalidNumber(offset: 0)),
        (Array("+1".utf8), .unexpectedByte(offset: 0)),
        (Array("[1,]".utf8), .unexpectedByte(offset: 3)),
        (Array(#"{"a":1,}"#.utf8), .unexpectedByte(offset: 7)),
        (Array(#"{"a" 1}"#.utf8), .unexpectedByte(offset: 5)),
        (Array(#"{a:1}"#.utf8), .unexpectedByte(offset: 1)),
        (Array(#"{"a":1,"a":2}"#.utf8), .duplicateKey("a")),
        (Array("\"a\nb\"".utf8), .controlCharacterInString(offset: 2)),
        (Array(#""\x""#.utf8), .invalidEscape(offset: 2)),
        (Array(#""\u12G4""#.utf8), .invalidEscape(offset: 5)),
        (Array(#""\ud800""#.utf8), .invalidEscape(offset: 7)),
        (Array(#""\udc00""#.utf8), .invalidEscape(offset: 7)),
        ([0x22, 0xC3, 0x28, 0x22], .invalidUTF8(offset: 0)),
        ([0x22, 0xFF, 0x22], .invalidUTF8(offset: 0)),
        (Array(String(repeating: "[", count: 65).utf8), .tooDeep(limit: 64)),
        (Array(String(repeating: "{\"a\":", count: 70).utf8), .tooDeep(limit: 64)),
    ]

    @Test(arguments: refused)
    func refusesInvalidJSON(_ row: (json: [UInt8], error: JSONReaderError)) {
        #expect(throws: row.error) { try JSONReader.parse(row.json) }
    }

    /// Foundation's parser, as a second implementation, agrees on every fixture.
    @Test(arguments: [
        "alertmanager-0.25-firing.json", "alertmanager-0.25-addpvc.raw.json",
        "alertmanager-0.25-resolved.raw.json", "alertmanager-0.25-truncated.raw.json",
    ])
    func agreesWithFoundationOnTheRealPayloads(_ name: String) throws {
        let bytes = Array(try Data(contentsOf: Fixtures.url("alertmanager/\(name)")))
        let ours = try JSONReader.parse(bytes)
        let theirs = try JSONSerialization.jsonObject(with: Data(bytes))
        #expect(Self.equal(ours, theirs))
    }

    static func equal(_ value: JSONValue, _ foundation: Any) -> Bool {
        switch value {
        case .null: return foundation is NSNull
        case .bool(let bool): return (foundation as? Bool) == bool
        case .number(let text): return (foundation as? NSNumber)?.doubleValue == Double(text)
        case .string(let string): return (foundation as? String) == string
        case .array(let elements):
            guard let array = foundation as? [Any], array.count == elements.count else { return false }
            return zip(elements, array).allSatisfy { equal($0, $1) }
        case .object(let members):
            guard let dictionary = foundation as? [String: Any], dictionary.count == members.count else {
                return false
            }
            return members.allSatisfy { member in
                dictionary[member.key].map { equal(member.value, $0) } ?? false
            }
        }
    }
}

/// The lenient read of a document with repeated keys: the last value wins in the first one's
/// place, each repeat is reported by its path, and everything else is refused as strictly.
@Suite struct DuplicateKeyReadingTests {
    static let rows: [(json: String, value: String, duplicates: [String])] = [
        (#"{"a":1}"#, #"{"a":1}"#, []),
        (#"{"a":1,"b":2,"a":3}"#, #"{"a":3,"b":2}"#, ["a"]),
        (
            #"{"metadata":{"name":"x","name":"y"},"spec":{"ports":[{"p":1,"p":2}],"k":1,"k":2,"k":3}}"#,
            #"{"metadata":{"name":"y"},"spec":{"ports":[{"p":2}],"k":3}}"#,
            ["metadata.name", "spec.ports[0].p", "spec.k", "spec.k"]
        ),
        (#"[{"op":"add","path":"/a","path":"/b"}]"#, #"[{"op":"add","path":"/b"}]"#, ["[0].path"]),
        // A repeat's value is itself read leniently, and a repeated object replaces the first.
        (#"{"o":{"x":1},"o":{"y":1,"y":2}}"#, #"{"o":{"y":2}}"#, ["o.y", "o"]),
    ]

    @Test(arguments: rows)
    func keepsTheLastValueAndReportsEachRepeat(_ row: (json: String, value: String, duplicates: [String]))
        throws
    {
        let read = try JSONReader.parseReportingDuplicateKeys(Array(row.json.utf8))
        #expect(read.value == (try JSONReader.parse(Array(row.value.utf8))))
        #expect(read.duplicates == row.duplicates)
    }

    @Test func otherFaultsAreStillRefused() {
        #expect(throws: JSONReaderError.trailingBytes(offset: 8)) {
            try JSONReader.parseReportingDuplicateKeys(Array(#"{"a":1} x"#.utf8))
        }
        #expect(throws: JSONReaderError.unexpectedEnd) {
            try JSONReader.parseReportingDuplicateKeys(Array(#"{"a":1,"a""#.utf8))
        }
    }
}
