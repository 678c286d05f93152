/// PEM text (RFC 7468): base64 of the DER in lines of 64 characters between the label's
/// BEGIN and END lines, as OpenSSL writes it.
enum PEM {
    static func encode<Bytes: Collection<UInt8>>(_ der: Bytes, label: String) -> String {
        let base64 = Base64.encode(der)
        var text = "-----BEGIN \(label)-----\n"
        var line = base64.startIndex
        while line < base64.endIndex {
            let next = base64.index(line, offsetBy: 64, limitedBy: base64.endIndex) ?? base64.endIndex
            text += base64[line..<next]
            text += "\n"
            line = next
        }
        return text + "-----END \(label)-----\n"
    }
}

/// Standard base64 with padding (RFC 4648 §4).
enum Base64 {
    private static let alphabet = Array(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> String {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count + 2) / 3 * 4)
        var iterator = bytes.makeIterator()
        while let first = iterator.next() {
            let second = iterator.next()
            let third = second == nil ? nil : iterator.next()
            let group = UInt32(first) << 16 | UInt32(second ?? 0) << 8 | UInt32(third ?? 0)
            output.append(alphabet[Int(group >> 18 & 0x3F)])
            output.append(alphabet[Int(group >> 12 & 0x3F)])
            output.append(second == nil ? UInt8(ascii: "=") : alphabet[Int(group >> 6 & 0x3F)])
            output.append(third == nil ? UInt8(ascii: "=") : alphabet[Int(group & 0x3F)])
        }
        return String(decoding: output, as: UTF8.self)
    }
}
