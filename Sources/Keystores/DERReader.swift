/// Just enough DER to take apart an `EncryptedPrivateKeyInfo`: definite lengths of at most
/// four bytes, each checked against what is left.
struct DERReader {
    enum Tag: UInt8 {
        case objectIdentifier = 0x06
        case octetString = 0x04
        case sequence = 0x30
    }

    struct Malformed: Error { let reason: String }

    private var bytes: ArraySlice<UInt8>

    init(_ bytes: ArraySlice<UInt8>) { self.bytes = bytes }

    var isAtEnd: Bool { bytes.isEmpty }

    /// The contents of the next element, which must have `tag`.
    mutating func read(_ tag: Tag) throws(Malformed) -> ArraySlice<UInt8> {
        let (found, contents) = try readAny()
        guard found == tag.rawValue else {
            throw Malformed(
                reason:
                    "expected tag 0x\(String(tag.rawValue, radix: 16)), found 0x\(String(found, radix: 16))")
        }
        return contents
    }

    /// The next element's tag and contents, whatever it is.
    mutating func readAny() throws(Malformed) -> (tag: UInt8, contents: ArraySlice<UInt8>) {
        guard bytes.count >= 2 else { throw Malformed(reason: "an element is cut short") }
        let tag = bytes[bytes.startIndex]
        guard tag & 0x1F != 0x1F else { throw Malformed(reason: "multi-byte tags are not used here") }
        let first = bytes[bytes.startIndex + 1]
        var header = 2
        var length = 0
        if first < 0x80 {
            length = Int(first)
        } else {
            let width = Int(first & 0x7F)
            guard (1...4).contains(width) else { throw Malformed(reason: "a length of \(width) bytes") }
            guard bytes.count >= 2 + width else { throw Malformed(reason: "a length is cut short") }
            for byte in bytes.dropFirst(2).prefix(width) { length = length << 8 | Int(byte) }
            header += width
        }
        guard length <= bytes.count - header else {
            throw Malformed(reason: "an element of \(length) bytes where \(bytes.count - header) are left")
        }
        let start = bytes.startIndex + header
        defer { bytes = bytes[(start + length)...] }
        return (tag, bytes[start..<(start + length)])
    }

    /// Dotted text of an object identifier's contents, for messages.
    static func dotted(objectIdentifier contents: ArraySlice<UInt8>) -> String {
        var arcs: [UInt64] = []
        var value: UInt64 = 0
        for byte in contents {
            guard value <= UInt64.max >> 7 else { return "(an identifier too long to show)" }
            value = value << 7 | UInt64(byte & 0x7F)
            if byte & 0x80 == 0 {
                arcs.append(value)
                value = 0
            }
        }
        guard let first = arcs.first else { return "(an empty identifier)" }
        let head: [UInt64] = first < 80 ? [first / 40, first % 40] : [2, first - 80]
        return (head + arcs.dropFirst()).map(String.init).joined(separator: ".")
    }
}
