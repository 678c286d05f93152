/// Hand-written protocol bytes for codec tests, independent of the codec under test:
/// big-endian integers, classic strings (int16 length), compact strings (varint length + 1).
public enum Bytes {
    public static func i8(_ value: Int8) -> [UInt8] { [UInt8(bitPattern: value)] }
    public static func i16(_ value: Int16) -> [UInt8] {
        [UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value)]
    }
    public static func i32(_ value: Int32) -> [UInt8] {
        (0..<4).map { UInt8(truncatingIfNeeded: value >> (24 - 8 * $0)) }
    }
    public static func i64(_ value: Int64) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: value >> (56 - 8 * $0)) }
    }
    public static func bool(_ value: Bool) -> [UInt8] { [value ? 1 : 0] }
    /// A classic string: int16 length, then UTF-8.
    public static func str(_ value: String) -> [UInt8] { i16(Int16(value.utf8.count)) + Array(value.utf8) }
    public static let nullStr: [UInt8] = [0xFF, 0xFF]
    /// A compact string: unsigned varint of length + 1 (all our test strings are under 127 bytes).
    public static func cstr(_ value: String) -> [UInt8] { [UInt8(value.utf8.count + 1)] + Array(value.utf8) }
    public static let nullCstr: [UInt8] = [0]
    /// A classic array count, and a compact one (count + 1).
    public static func count(_ value: Int32) -> [UInt8] { i32(value) }
    public static func ccount(_ value: Int) -> [UInt8] { [UInt8(value + 1)] }
    /// An empty tagged-field section.
    public static let noTags: [UInt8] = [0]
    public static let zeroUUID = [UInt8](repeating: 0, count: 16)
}
