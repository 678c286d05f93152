/// Reads Kafka protocol primitives from a response body, checking every length against what is
/// left so that hostile input can neither crash the reader nor make it allocate more than the
/// input's size.
public struct WireReader: Sendable {
    private let bytes: [UInt8]
    public private(set) var offset: Int

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
        self.offset = 0
    }

    public var remaining: Int { bytes.count - offset }

    public mutating func readInt8(_ field: String) throws -> Int8 {
        Int8(bitPattern: try takeByte(field))
    }

    public mutating func readBool(_ field: String) throws -> Bool { try readInt8(field) != 0 }

    public mutating func readInt16(_ field: String) throws -> Int16 {
        Int16(bitPattern: UInt16(try readBigEndian(2, field)))
    }

    public mutating func readInt32(_ field: String) throws -> Int32 {
        Int32(bitPattern: UInt32(try readBigEndian(4, field)))
    }

    public mutating func readInt64(_ field: String) throws -> Int64 {
        Int64(bitPattern: try readBigEndian(8, field))
    }

    public mutating func readUUID(_ field: String) throws -> [UInt8] { Array(try take(16, field)) }

    public mutating func readUnsignedVarint(_ field: String) throws -> UInt32 {
        var result: UInt32 = 0
        for index in 0..<5 {
            let byte = try takeByte(field)
            if index == 4 && byte > 0x0F { throw KafkaCodecError.invalidVarint(field: field) }
            result |= UInt32(byte & 0x7F) << (7 * UInt32(index))
            if byte & 0x80 == 0 { return result }
        }
        throw KafkaCodecError.invalidVarint(field: field)
    }

    public mutating func readString(_ field: String, flexible: Bool) throws -> String {
        guard let value = try readNullableString(field, flexible: flexible) else {
            throw KafkaCodecError.unexpectedNull(field: field)
        }
        return value
    }

    public mutating func readNullableString(_ field: String, flexible: Bool) throws -> String? {
        let length: Int
        if flexible {
            let raw = try readUnsignedVarint(field)
            if raw == 0 { return nil }
            length = Int(raw) - 1
        } else {
            let raw = try readInt16(field)
            if raw == -1 { return nil }
            guard raw >= 0 else { throw KafkaCodecError.invalidLength(field: field, length: Int(raw)) }
            length = Int(raw)
        }
        let slice = try take(length, field)
        guard let string = String(validating: slice, as: UTF8.self) else {
            throw KafkaCodecError.invalidUTF8(field: field)
        }
        return string
    }

    public mutating func readBytes(_ field: String, flexible: Bool) throws -> [UInt8] {
        let length: Int
        if flexible {
            let raw = try readUnsignedVarint(field)
            guard raw != 0 else { throw KafkaCodecError.unexpectedNull(field: field) }
            length = Int(raw) - 1
        } else {
            let raw = try readInt32(field)
            guard raw >= 0 else { throw KafkaCodecError.unexpectedNull(field: field) }
            length = Int(raw)
        }
        return Array(try take(length, field))
    }

    /// An array's element count, nil for the null array. Every element takes at least
    /// `minimumElementSize` bytes, so a count larger than the rest of the message is rejected
    /// before anyone reserves memory for it.
    public mutating func readArrayCount(
        _ field: String, flexible: Bool, minimumElementSize: Int = 1
    ) throws -> Int? {
        let count: Int
        if flexible {
            let raw = try readUnsignedVarint(field)
            if raw == 0 { return nil }
            count = Int(raw) - 1
        } else {
            let raw = try readInt32(field)
            if raw == -1 { return nil }
            guard raw >= 0 else { throw KafkaCodecError.invalidLength(field: field, length: Int(raw)) }
            count = Int(raw)
        }
        let (needed, overflow) = count.multipliedReportingOverflow(by: max(1, minimumElementSize))
        guard !overflow, needed <= remaining else {
            throw KafkaCodecError.invalidLength(field: field, length: count)
        }
        return count
    }

    /// An array that may not be null, each element read by `element`.
    public mutating func readArray<Element>(
        _ field: String, flexible: Bool, minimumElementSize: Int = 1,
        _ element: (inout WireReader) throws -> Element
    ) throws -> [Element] {
        guard
            let count = try readArrayCount(field, flexible: flexible, minimumElementSize: minimumElementSize)
        else {
            throw KafkaCodecError.unexpectedNull(field: field)
        }
        var result: [Element] = []
        result.reserveCapacity(count)
        for _ in 0..<count { result.append(try element(&self)) }
        return result
    }

    /// An array that may be null (nil), each element read by `element`.
    public mutating func readNullableArray<Element>(
        _ field: String, flexible: Bool, minimumElementSize: Int = 1,
        _ element: (inout WireReader) throws -> Element
    ) throws -> [Element]? {
        guard
            let count = try readArrayCount(field, flexible: flexible, minimumElementSize: minimumElementSize)
        else {
            return nil
        }
        var result: [Element] = []
        result.reserveCapacity(count)
        for _ in 0..<count { result.append(try element(&self)) }
        return result
    }

    public mutating func readInt32Array(_ field: String, flexible: Bool) throws -> [Int32] {
        try readArray(field, flexible: flexible, minimumElementSize: 4) { try $0.readInt32(field) }
    }

    public mutating func readStringArray(_ field: String, flexible: Bool) throws -> [String] {
        try readArray(field, flexible: flexible, minimumElementSize: flexible ? 1 : 2) {
            try $0.readString(field, flexible: flexible)
        }
    }

    /// A resource type (DescribeConfigs, AlterConfigs): one the protocol defines, or an error.
    public mutating func readResourceType(_ field: String) throws -> ConfigResourceType {
        let raw = try readInt8(field)
        guard let type = ConfigResourceType(rawValue: raw) else {
            throw KafkaCodecError.invalidValue(field: field, value: Int(raw))
        }
        return type
    }

    /// Skips a tagged-field section: we know none of the tags we might receive, and the protocol
    /// says unknown tags are ignored.
    public mutating func skipTaggedFields(_ field: String) throws {
        let count = try readUnsignedVarint("\(field) tagged field count")
        guard Int(count) <= remaining else {
            throw KafkaCodecError.invalidLength(field: "\(field) tagged fields", length: Int(count))
        }
        for _ in 0..<count {
            _ = try readUnsignedVarint("\(field) tag")
            let size = try readUnsignedVarint("\(field) tag size")
            _ = try take(Int(size), "\(field) tagged field")
        }
    }

    /// Reads the tagged-field section of a flexible structure, or nothing for a non-flexible one.
    public mutating func endStructure(_ field: String, flexible: Bool) throws {
        if flexible { try skipTaggedFields(field) }
    }

    /// Fails when bytes are left over, which means the message was not the version we expected.
    public func expectEnd() throws {
        if remaining != 0 { throw KafkaCodecError.trailingBytes(count: remaining) }
    }

    private mutating func takeByte(_ field: String) throws -> UInt8 {
        guard remaining >= 1 else { throw KafkaCodecError.truncated(field: field, needed: 1, remaining: 0) }
        defer { offset += 1 }
        return bytes[offset]
    }

    private mutating func take(_ count: Int, _ field: String) throws -> ArraySlice<UInt8> {
        guard count >= 0 else { throw KafkaCodecError.invalidLength(field: field, length: count) }
        guard count <= remaining else {
            throw KafkaCodecError.truncated(field: field, needed: count, remaining: remaining)
        }
        defer { offset += count }
        return bytes[offset..<(offset + count)]
    }

    private mutating func readBigEndian(_ width: Int, _ field: String) throws -> UInt64 {
        var value: UInt64 = 0
        for byte in try take(width, field) { value = value << 8 | UInt64(byte) }
        return value
    }
}
