import Testing

@testable import Keystores

/// Java's modified UTF-8 as `writeUTF` writes aliases, plus the plain UTF-8 other writers use.
struct ModifiedUTF8Tests {
    struct Row: Sendable, CustomTestStringConvertible {
        let name: String
        let bytes: [UInt8]
        let text: String?
        var testDescription: String { name }
    }

    static let rows: [Row] = [
        Row(name: "empty", bytes: [], text: ""),
        Row(name: "ASCII", bytes: Array("broker-0".utf8), text: "broker-0"),
        Row(name: "two bytes", bytes: [0xC3, 0xA9], text: "é"),
        Row(name: "NUL as Java writes it", bytes: [0x61, 0xC0, 0x80, 0x62], text: "a\u{0}b"),
        Row(name: "three bytes", bytes: [0xE2, 0x82, 0xAC], text: "€"),
        Row(
            name: "a surrogate pair, three bytes each", bytes: [0xED, 0xA0, 0xBD, 0xED, 0xB8, 0x80], text: "😀"
        ),
        Row(name: "four-byte UTF-8", bytes: [0xF0, 0x9F, 0x98, 0x80], text: "😀"),
        Row(name: "a lone continuation byte", bytes: [0x80], text: nil),
        Row(name: "a two-byte sequence cut short", bytes: [0x61, 0xC3], text: nil),
        Row(name: "a three-byte sequence cut short", bytes: [0xE2, 0x82], text: nil),
        Row(name: "a four-byte sequence cut short", bytes: [0xF0, 0x9F, 0x98], text: nil),
        Row(name: "a four-byte sequence past U+10FFFF", bytes: [0xF4, 0x90, 0x80, 0x80], text: nil),
        Row(name: "a byte no sequence starts with", bytes: [0xFF], text: nil),
    ]

    @Test(arguments: rows)
    func decodes(_ row: Row) {
        #expect(ModifiedUTF8.decode(row.bytes[...]) == row.text)
    }
}
