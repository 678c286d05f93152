/// The opaque `continue` token of a paged list: the last key served, hex-encoded.
enum ContinueToken {
    static func encode(_ key: String) -> String {
        key.utf8.map { byte in
            let hex = Array("0123456789abcdef")
            return "\(hex[Int(byte >> 4)])\(hex[Int(byte & 0xF)])"
        }.joined()
    }

    static func decode(_ token: String) -> String? {
        let bytes = Array(token.utf8)
        guard bytes.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        for index in stride(from: 0, to: bytes.count, by: 2) {
            guard let high = hex(bytes[index]), let low = hex(bytes[index + 1]) else { return nil }
            out.append(high << 4 | low)
        }
        return String(validating: out, as: UTF8.self)
    }

    private static func hex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        default: return nil
        }
    }
}
