/// A cursor over big-endian fields (Java's DataInputStream layout) that checks every length
/// against the bytes left before it moves, so a hostile count fails instead of allocating.
struct ByteReader {
    let bytes: [UInt8]
    private(set) var offset: Int
    let end: Int

    init(_ bytes: [UInt8], end: Int? = nil) {
        self.bytes = bytes
        self.offset = 0
        self.end = min(end ?? bytes.count, bytes.count)
    }

    var remaining: Int { end - offset }

    /// The range of the next `count` bytes, which the reader moves past.
    mutating func take(_ count: Int) throws(KeystoreError) -> Range<Int> {
        guard count >= 0, count <= remaining else {
            throw .truncated(offset: offset, needed: count, available: remaining)
        }
        defer { offset += count }
        return offset..<(offset + count)
    }

    mutating func readUInt16() throws(KeystoreError) -> UInt16 {
        UInt16(truncatingIfNeeded: try readBigEndian(2))
    }

    mutating func readUInt32() throws(KeystoreError) -> UInt32 {
        UInt32(truncatingIfNeeded: try readBigEndian(4))
    }

    mutating func readUInt64() throws(KeystoreError) -> UInt64 { try readBigEndian(8) }

    /// A u32 length, then that many bytes.
    mutating func readLengthPrefixed() throws(KeystoreError) -> Range<Int> {
        let start = offset
        let length = Int(try readUInt32())
        guard length <= remaining else {
            throw .truncated(offset: start, needed: 4 + length, available: remaining + 4)
        }
        return try take(length)
    }

    /// Java's `readUTF`: a u16 length, then that many bytes of modified UTF-8.
    mutating func readUTF() throws(KeystoreError) -> String {
        let start = offset
        let length = Int(try readUInt16())
        guard length <= remaining else {
            throw .truncated(offset: start, needed: 2 + length, available: remaining + 2)
        }
        let range = try take(length)
        guard let text = ModifiedUTF8.decode(bytes[range]) else { throw .malformedText(offset: start) }
        return text
    }

    private mutating func readBigEndian(_ width: Int) throws(KeystoreError) -> UInt64 {
        let range = try take(width)
        return bytes[range].reduce(0) { $0 << 8 | UInt64($1) }
    }
}
