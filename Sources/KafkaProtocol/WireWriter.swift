/// Appends Kafka protocol primitives (big-endian integers, strings, arrays, varints) to a buffer.
///
/// `flexible` selects the compact encodings that flexible message versions use: unsigned-varint
/// lengths stored as length + 1, where 0 means null.
public struct WireWriter: Sendable {
    public private(set) var bytes: [UInt8] = []

    public init() {}

    public mutating func writeInt8(_ value: Int8) { bytes.append(UInt8(bitPattern: value)) }

    public mutating func writeBool(_ value: Bool) { bytes.append(value ? 1 : 0) }

    public mutating func writeInt16(_ value: Int16) { writeBigEndian(UInt16(bitPattern: value)) }

    public mutating func writeInt32(_ value: Int32) { writeBigEndian(UInt32(bitPattern: value)) }

    public mutating func writeInt64(_ value: Int64) { writeBigEndian(UInt64(bitPattern: value)) }

    /// A 16-byte UUID (topic ids); any other length is refused rather than sent misaligned.
    public mutating func writeUUID(_ value: [UInt8], field: String) throws {
        guard value.count == 16 else {
            throw KafkaCodecError.invalidLength(field: field, length: value.count)
        }
        bytes.append(contentsOf: value)
    }

    public mutating func writeUnsignedVarint(_ value: UInt32) {
        var remaining = value
        while remaining >= 0x80 {
            bytes.append(UInt8(remaining & 0x7F) | 0x80)
            remaining >>= 7
        }
        bytes.append(UInt8(remaining))
    }

    /// A string that may not be null.
    public mutating func writeString(_ value: String, flexible: Bool, field: String) throws {
        try writeNullableString(value, flexible: flexible, field: field)
    }

    /// A string where nil is sent as the null marker (-1, or 0 in compact form).
    public mutating func writeNullableString(_ value: String?, flexible: Bool, field: String) throws {
        guard let value else {
            if flexible { writeUnsignedVarint(0) } else { writeInt16(-1) }
            return
        }
        let utf8 = Array(value.utf8)
        if flexible {
            guard utf8.count < Int(UInt32.max) else {
                throw KafkaCodecError.valueTooLong(field: field, length: utf8.count)
            }
            writeUnsignedVarint(UInt32(utf8.count + 1))
        } else {
            guard utf8.count <= Int(Int16.max) else {
                throw KafkaCodecError.valueTooLong(field: field, length: utf8.count)
            }
            writeInt16(Int16(utf8.count))
        }
        bytes.append(contentsOf: utf8)
    }

    /// A byte string that may not be null.
    public mutating func writeBytes(_ value: [UInt8], flexible: Bool) {
        if flexible {
            writeUnsignedVarint(UInt32(truncatingIfNeeded: value.count + 1))
        } else {
            writeInt32(Int32(truncatingIfNeeded: value.count))
        }
        bytes.append(contentsOf: value)
    }

    /// The element count of an array; nil writes the null array.
    public mutating func writeArrayCount(_ count: Int?, flexible: Bool) {
        guard let count else {
            if flexible { writeUnsignedVarint(0) } else { writeInt32(-1) }
            return
        }
        if flexible {
            writeUnsignedVarint(UInt32(truncatingIfNeeded: count + 1))
        } else {
            writeInt32(Int32(truncatingIfNeeded: count))
        }
    }

    /// An array of `Int32` (broker ids).
    public mutating func writeInt32Array(_ values: [Int32], flexible: Bool) {
        writeArrayCount(values.count, flexible: flexible)
        for value in values { writeInt32(value) }
    }

    /// An array that may not be null, each element written by `element`.
    public mutating func writeArray<Element>(
        _ elements: [Element], flexible: Bool, _ element: (inout WireWriter, Element) throws -> Void
    ) rethrows {
        try writeNullableArray(elements, flexible: flexible, element)
    }

    /// An array where nil is sent as the null array.
    public mutating func writeNullableArray<Element>(
        _ elements: [Element]?, flexible: Bool, _ element: (inout WireWriter, Element) throws -> Void
    ) rethrows {
        writeArrayCount(elements?.count, flexible: flexible)
        for value in elements ?? [] { try element(&self, value) }
    }

    /// An array of strings that may not be null.
    public mutating func writeStringArray(_ values: [String], flexible: Bool, field: String) throws {
        try writeArray(values, flexible: flexible) {
            try $0.writeString($1, flexible: flexible, field: field)
        }
    }

    /// The tagged-field section of a flexible structure; we never send tagged fields.
    public mutating func writeEmptyTaggedFields() { writeUnsignedVarint(0) }

    /// Closes a structure: its (empty) tagged-field section when flexible, nothing otherwise.
    public mutating func endStructure(flexible: Bool) {
        if flexible { writeEmptyTaggedFields() }
    }

    private mutating func writeBigEndian<T: FixedWidthInteger>(_ value: T) {
        var big = value.bigEndian
        withUnsafeBytes(of: &big) { bytes.append(contentsOf: $0) }
    }
}
