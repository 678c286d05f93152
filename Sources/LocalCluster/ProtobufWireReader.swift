/// Reads the protobuf wire format (varints, lengths, tags) over one region of a body, checking
/// every length against the region so a hostile body can make it throw but never read past
/// its end.
struct ProtobufWireReader {
    let bytes: [UInt8]
    private(set) var position: Int
    let end: Int

    /// A field's key: its number and wire type.
    struct Tag: Equatable {
        let number: Int
        let wireType: Int
    }

    init(_ bytes: [UInt8], in region: Range<Int>) {
        self.bytes = bytes
        position = region.lowerBound
        end = region.upperBound
    }

    var atEnd: Bool { position >= end }

    /// A base-128 varint of at most ten bytes, as a Go reader takes it: the bits past 64 of a
    /// tenth byte are dropped.
    mutating func varint() throws(ProtobufError) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard shift < 64 else { throw .integerOverflow }
            guard position < end else { throw .truncated }
            let byte = bytes[position]
            position += 1
            value |= UInt64(byte & 0x7f) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
    }

    /// The next field's key. `message` names the message for the errors of a key no message has.
    mutating func tag(in message: String) throws(ProtobufError) -> Tag {
        let key = try varint()
        let wireType = Int(key & 7)
        let number = Int32(truncatingIfNeeded: key >> 3)
        if wireType == 4 { throw .endGroupWithoutStart(message: message) }
        guard number > 0 else { throw .illegalTag(message: message, tag: Int64(number), wireType: wireType) }
        return Tag(number: Int(number), wireType: wireType)
    }

    /// A length-delimited value's region.
    mutating func lengthDelimited() throws(ProtobufError) -> Range<Int> {
        let length = try varint()
        guard length <= UInt64(Int64.max) else { throw .negativeLength }
        let (after, overflow) = position.addingReportingOverflow(Int(length))
        guard !overflow else { throw .negativeLength }
        guard after <= end else { throw .truncated }
        defer { position = after }
        return position..<after
    }

    /// Steps over a value of a field the reader does not know, as the generated readers'
    /// `skip` does: groups are stepped over whole, wire types 6 and 7 are refused.
    mutating func skip(wireType: Int) throws(ProtobufError) {
        var depth = 0
        var type = wireType
        while true {
            switch type {
            case 0: _ = try varint()
            case 1: try advance(8)
            case 2: _ = try lengthDelimited()
            case 3: depth += 1
            case 4:
                guard depth > 0 else { throw .endGroupWithoutStart(message: "group") }
                depth -= 1
            case 5: try advance(4)
            default: throw .illegalWireType(type)
            }
            if depth == 0 { return }
            let key = try varint()
            type = Int(key & 7)
        }
    }

    private mutating func advance(_ count: Int) throws(ProtobufError) {
        guard end - position >= count else { throw .truncated }
        position += count
    }
}
