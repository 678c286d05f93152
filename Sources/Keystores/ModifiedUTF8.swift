/// Java's modified UTF-8 (`DataOutput.writeUTF`): UTF-16 code units written as one to three
/// bytes each, so a character outside the BMP is two three-byte surrogates. Writers other than
/// Java (pyjks, Go's keystore-go) put plain UTF-8 there, so four-byte sequences are read too.
enum ModifiedUTF8 {
    static func decode(_ bytes: ArraySlice<UInt8>) -> String? {
        var units: [UInt16] = []
        var index = bytes.startIndex
        func continuation(_ at: Int) -> UInt32? {
            guard at < bytes.endIndex, bytes[at] & 0xC0 == 0x80 else { return nil }
            return UInt32(bytes[at] & 0x3F)
        }
        while index < bytes.endIndex {
            let lead = UInt32(bytes[index])
            switch lead {
            case 0x00...0x7F:
                units.append(UInt16(lead))
                index += 1
            case 0xC0...0xDF:
                guard let second = continuation(index + 1) else { return nil }
                units.append(UInt16((lead & 0x1F) << 6 | second))
                index += 2
            case 0xE0...0xEF:
                guard let second = continuation(index + 1), let third = continuation(index + 2) else {
                    return nil
                }
                units.append(UInt16(truncatingIfNeeded: (lead & 0x0F) << 12 | second << 6 | third))
                index += 3
            case 0xF0...0xF4:
                guard let second = continuation(index + 1), let third = continuation(index + 2),
                    let fourth = continuation(index + 3),
                    let scalar = Unicode.Scalar((lead & 0x07) << 18 | second << 12 | third << 6 | fourth)
                else { return nil }
                units.append(contentsOf: Character(scalar).utf16)
                index += 4
            default:
                return nil
            }
        }
        return String(decoding: units, as: UTF16.self)
    }
}
