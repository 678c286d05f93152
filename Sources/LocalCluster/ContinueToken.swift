/// The opaque `continue` token of a paged list: the resourceVersion the first page was read at
/// and the last key served, hex-encoded. Every later page is read at that resourceVersion, so
/// the pages together are one snapshot, as the real server's are.
struct ContinueToken: Equatable, Sendable {
    let resourceVersion: UInt64
    let lastKey: String

    var encoded: String {
        "\(resourceVersion)/\(lastKey)".utf8.map { byte in
            let hex = Array("0123456789abcdef")
            return "\(hex[Int(byte >> 4)])\(hex[Int(byte & 0xF)])"
        }.joined()
    }

    init(resourceVersion: UInt64, lastKey: String) {
        self.resourceVersion = resourceVersion
        self.lastKey = lastKey
    }

    /// Reads a token this server wrote; nil for anything else.
    init?(decoding token: String) {
        let bytes = Array(token.utf8)
        guard bytes.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        for index in stride(from: 0, to: bytes.count, by: 2) {
            guard let high = Self.hex(bytes[index]), let low = Self.hex(bytes[index + 1]) else { return nil }
            out.append(high << 4 | low)
        }
        guard let text = String(validating: out, as: UTF8.self), let slash = text.firstIndex(of: "/"),
            let version = UInt64(text[..<slash])
        else { return nil }
        self.init(resourceVersion: version, lastKey: String(text[text.index(after: slash)...]))
    }

    private static func hex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        default: return nil
        }
    }
}
