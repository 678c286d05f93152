import JSON

/// Reads a Kubernetes protobuf body — the `k8s\0` magic, then a `runtime.Unknown` holding the
/// object's apiVersion and kind and its message — into the JSON object the API server would
/// store and answer for it: members in the Go type's order, a field its JSON tag omits when
/// zero left out, a value type's zero shown, map keys sorted, times in RFC 3339, bytes in
/// base64. Field numbers the schema does not know are stepped over (and listed), as the
/// server's generated readers step over them; a wrong wire type for a known field, a length
/// past the end or a malformed varint is an error, so nothing is ever misread.
/// (API concepts, "Protobuf encoding": https://kubernetes.io/docs/reference/using-api/api-concepts/#protobuf-encoding)
struct ProtobufObjectDecoder {
    static let magic: [UInt8] = [0x6b, 0x38, 0x73, 0x00]
    /// Deeper than any served kind nests (a pod's affinity terms go about ten deep).
    static let maximumDepth = 48

    let schema: ProtobufSchema

    init(schema: ProtobufSchema = .builtIn) { self.schema = schema }

    /// The envelope's type and where its object's message is.
    struct Envelope: Equatable {
        /// Empty when the envelope leaves them out; the request's path supplies them then.
        var apiVersion: String
        var kind: String
        var raw: Range<Int>
    }

    struct Decoded {
        let object: JSONValue
        /// Where the body had field numbers the schema does not know, as `path#number`.
        let unknownFields: [String]
    }

    /// The magic and the `runtime.Unknown` around the object.
    func envelope(_ body: [UInt8]) throws(ProtobufError) -> Envelope {
        guard !body.isEmpty else { throw .empty }
        guard body.count >= Self.magic.count, Array(body.prefix(Self.magic.count)) == Self.magic else {
            throw .notProtobuf
        }
        var decoding = Decoding(bytes: body, schema: schema)
        let slots = try decoding.read(
            Self.unknown, [Self.magic.count..<body.count], depth: 0, path: "")
        var envelope = Envelope(apiVersion: "", kind: "", raw: body.count..<body.count)
        if case .segments(let typeMeta)? = slots[1] {
            let meta = try decoding.read(Self.typeMeta, typeMeta, depth: 1, path: "")
            if case .value(.string(let text), _)? = meta[1] { envelope.apiVersion = text }
            if case .value(.string(let text), _)? = meta[2] { envelope.kind = text }
        }
        if case .segments(let raw)? = slots[2], let last = raw.last { envelope.raw = last }
        return envelope
    }

    /// The object of `envelope` (its apiVersion and kind filled in by the caller where the
    /// envelope had none), as JSON.
    func object(_ body: [UInt8], _ envelope: Envelope) throws(ProtobufError) -> Decoded {
        guard let message = schema.message(apiVersion: envelope.apiVersion, kind: envelope.kind) else {
            throw .unknownKind(kind: envelope.kind, apiVersion: envelope.apiVersion)
        }
        var decoding = Decoding(bytes: body, schema: schema)
        let slots = try decoding.read(message, [envelope.raw], depth: 0, path: "")
        let members = try decoding.members(message, slots, depth: 0, path: "").members
        let object = JSONValue.object(
            [("kind", .string(envelope.kind)), ("apiVersion", .string(envelope.apiVersion))] + members)
        return Decoded(object: object, unknownFields: decoding.unknownFields)
    }

    // runtime.Unknown and its TypeMeta, which no kind's table lists.
    static let unknown = ProtobufSchema.Message(
        name: "Unknown",
        fields: [
            .init(
                number: 1, name: "typeMeta", type: .message("runtime.TypeMeta"), omittedWhenZero: false,
                pointer: false, inline: false),
            // Bytes, read as a message would be so its region is kept.
            .init(
                number: 2, name: "raw", type: .message("runtime.Raw"), omittedWhenZero: false, pointer: false,
                inline: false),
            .init(
                number: 3, name: "contentEncoding", type: .string, omittedWhenZero: false, pointer: false,
                inline: false),
            .init(
                number: 4, name: "contentType", type: .string, omittedWhenZero: false, pointer: false,
                inline: false),
        ], byNumber: [1: 0, 2: 1, 3: 2, 4: 3])
    static let typeMeta = ProtobufSchema.Message(
        name: "TypeMeta",
        fields: [
            .init(
                number: 1, name: "apiVersion", type: .string, omittedWhenZero: false, pointer: false,
                inline: false),
            .init(
                number: 2, name: "kind", type: .string, omittedWhenZero: false, pointer: false, inline: false),
        ], byNumber: [1: 0, 2: 1])
}

/// One decoding's reads over the body, and the unknown fields it stepped over.
private struct Decoding {
    let bytes: [UInt8]
    let schema: ProtobufSchema
    var unknownFields: [String] = []

    /// What a message's field holds after its occurrences are read. A singular scalar keeps
    /// its last value; a singular message keeps every occurrence, which protobuf merges.
    enum Slot {
        case value(JSONValue, zero: Bool)
        case segments([Range<Int>])
        case list([JSONValue])
        case entries([String: JSONValue])
    }

    // The messages with a JSON form of their own; their wire forms as messages.
    static let timestamp = message(
        "Timestamp", [(1, "seconds", .int64), (2, "nanos", .int32)])
    static let quantity = message("Quantity", [(1, "string", .string)])
    static let intOrString = message(
        "IntOrString", [(1, "type", .int64), (2, "intVal", .int32), (3, "strVal", .string)])

    private static func message(_ name: String, _ fields: [(Int, String, ProtobufSchema.FieldType)])
        -> ProtobufSchema.Message
    {
        var byNumber: [Int: Int] = [:]
        for (index, field) in fields.enumerated() { byNumber[field.0] = index }
        return ProtobufSchema.Message(
            name: name,
            fields: fields.map {
                .init(
                    number: $0.0, name: $0.1, type: $0.2, omittedWhenZero: false, pointer: false,
                    inline: false)
            }, byNumber: byNumber)
    }

    /// Every field of `message` in `segments` (a message sent more than once is the
    /// concatenation of its occurrences).
    mutating func read(
        _ message: ProtobufSchema.Message, _ segments: [Range<Int>], depth: Int, path: String
    ) throws(ProtobufError) -> [Int: Decoding.Slot] {
        guard depth <= ProtobufObjectDecoder.maximumDepth else { throw .tooDeep }
        var slots: [Int: Slot] = [:]
        for segment in segments {
            var reader = ProtobufWireReader(bytes, in: segment)
            while !reader.atEnd {
                let tag = try reader.tag(in: message.name)
                guard let field = message.field(tag.number) else {
                    try reader.skip(wireType: tag.wireType)
                    unknownFields.append("\(path)#\(tag.number)")
                    continue
                }
                guard field.type.wireTypes.contains(tag.wireType) else {
                    throw .wrongWireType(tag.wireType, field: Self.goName(field.name))
                }
                let fieldPath = path.isEmpty ? field.name : "\(path).\(field.name)"
                switch field.type {
                case .list(let element):
                    var items: [JSONValue]
                    if case .list(let existing)? = slots[field.number] {
                        items = existing
                    } else {
                        items = []
                    }
                    if tag.wireType == 2, element.wireTypes == [0] {
                        // Packed varints.
                        var packed = ProtobufWireReader(bytes, in: try reader.lengthDelimited())
                        while !packed.atEnd { items.append(Self.scalar(element, try packed.varint()).0) }
                    } else {
                        let itemPath = "\(fieldPath)[\(items.count)]"
                        items.append(try value(element, &reader, depth: depth + 1, path: itemPath))
                    }
                    slots[field.number] = .list(items)
                case .map(let valueType):
                    var entries: [String: JSONValue]
                    if case .entries(let existing)? = slots[field.number] {
                        entries = existing
                    } else {
                        entries = [:]
                    }
                    let (key, entryValue) = try entry(
                        valueType, reader.lengthDelimited(), depth: depth + 1, path: fieldPath)
                    entries[key] = entryValue
                    slots[field.number] = .entries(entries)
                case .message:
                    var segments: [Range<Int>] = []
                    if case .segments(let existing)? = slots[field.number] { segments = existing }
                    segments.append(try reader.lengthDelimited())
                    slots[field.number] = .segments(segments)
                case .string, .bytes:
                    let region = try reader.lengthDelimited()
                    slots[field.number] = .value(
                        Self.text(field.type, bytes[region]), zero: region.isEmpty)
                case .bool, .int32, .int64:
                    let (value, zero) = Self.scalar(field.type, try reader.varint())
                    slots[field.number] = .value(value, zero: zero)
                case .wrappedList:
                    // Only a map's value is a wrapped list; the table never gives a field one.
                    try reader.skip(wireType: tag.wireType)
                }
            }
        }
        return slots
    }

    /// One element of a repeated field at the reader.
    private mutating func value(
        _ type: ProtobufSchema.FieldType, _ reader: inout ProtobufWireReader, depth: Int, path: String
    ) throws(ProtobufError) -> JSONValue {
        switch type {
        case .bool, .int32, .int64: return Self.scalar(type, try reader.varint()).0
        case .string, .bytes: return Self.text(type, bytes[try reader.lengthDelimited()])
        case .message(let name):
            return try messageValue(name, [try reader.lengthDelimited()], depth: depth, path: path).value
        case .list, .map, .wrappedList:
            return try wrapped(type, [try reader.lengthDelimited()], depth: depth, path: path)
        }
    }

    /// A map entry: key 1, value 2, either left out meaning its zero.
    private mutating func entry(
        _ valueType: ProtobufSchema.FieldType, _ region: Range<Int>, depth: Int, path: String
    ) throws(ProtobufError) -> (String, JSONValue) {
        guard depth <= ProtobufObjectDecoder.maximumDepth else { throw .tooDeep }
        var reader = ProtobufWireReader(bytes, in: region)
        var key = ""
        var valueSegments: [Range<Int>] = []
        var scalarValue: JSONValue?
        while !reader.atEnd {
            let tag = try reader.tag(in: "MapEntry")
            switch tag.number {
            case 1:
                guard tag.wireType == 2 else { throw .wrongWireType(tag.wireType, field: "Key") }
                key = String(decoding: bytes[try reader.lengthDelimited()], as: UTF8.self)
            case 2:
                let expected: Set<Int> = valueType.wireTypes.contains(0) ? [0] : [2]
                guard expected.contains(tag.wireType) else {
                    throw .wrongWireType(tag.wireType, field: "Value")
                }
                switch valueType {
                case .bool, .int32, .int64: scalarValue = Self.scalar(valueType, try reader.varint()).0
                case .string, .bytes: scalarValue = Self.text(valueType, bytes[try reader.lengthDelimited()])
                default:
                    // A message value sent twice is the last one, as Go's map assignment keeps.
                    valueSegments = [try reader.lengthDelimited()]
                }
            default:
                try reader.skip(wireType: tag.wireType)
                unknownFields.append("\(path)[\(key)]#\(tag.number)")
            }
        }
        let entryPath = "\(path)[\(key)]"
        switch valueType {
        case .bool, .int32, .int64, .string, .bytes:
            return (key, scalarValue ?? Self.zero(valueType))
        case .message(let name):
            return (key, try messageValue(name, valueSegments, depth: depth + 1, path: entryPath).value)
        case .list, .map, .wrappedList:
            return (key, try wrapped(valueType, valueSegments, depth: depth + 1, path: entryPath))
        }
    }

    /// A wrapped list (a message of one repeated field 1) as the list.
    private mutating func wrapped(
        _ type: ProtobufSchema.FieldType, _ segments: [Range<Int>], depth: Int, path: String
    ) throws(ProtobufError) -> JSONValue {
        guard case .wrappedList(let element) = type else { return .null }
        let holder = ProtobufSchema.Message(
            name: "List",
            fields: [
                .init(
                    number: 1, name: "items", type: .list(element), omittedWhenZero: false, pointer: false,
                    inline: false)
            ], byNumber: [1: 0])
        let slots = try read(holder, segments, depth: depth, path: path)
        if case .list(let items)? = slots[1] { return .array(items) }
        return .array([])
    }

    /// A message field's JSON, and whether it is its type's zero.
    mutating func messageValue(_ name: String, _ segments: [Range<Int>], depth: Int, path: String)
        throws(ProtobufError) -> (value: JSONValue, zero: Bool)
    {
        switch name {
        case "meta.v1.Time", "meta.v1.MicroTime":
            // Their readers replace rather than merge: the last occurrence is the time, and an
            // empty one is the zero time, which JSON writes as null.
            guard let last = segments.last, !last.isEmpty else { return (.null, true) }
            let micro = name == "meta.v1.MicroTime"
            let slots = try read(Self.timestamp, [last], depth: depth, path: path)
            var seconds: Int64 = 0
            var nanos: Int64 = 0
            if case .value(.number(let text), _)? = slots[1] { seconds = Int64(text) ?? 0 }
            // A Time keeps whole seconds only (its reader drops the nanoseconds).
            if micro, case .value(.number(let text), _)? = slots[2] { nanos = Int64(text) ?? 0 }
            if RFC3339.isGoZero(seconds: seconds, nanos: nanos) { return (.null, true) }
            guard let text = RFC3339.format(seconds: seconds, nanos: nanos, micro: micro) else {
                throw .timeOutOfRange(field: path, seconds: seconds)
            }
            return (.string(text), false)
        case "resource.Quantity":
            // Read as text; the local cluster checks a quantity where it checks a JSON one.
            guard let last = segments.last else { return (.string("0"), true) }
            let slots = try read(Self.quantity, [last], depth: depth, path: path)
            if case .value(let value, _)? = slots[1] { return (value, false) }
            return (.string("0"), true)
        case "intstr.IntOrString":
            let slots = try read(Self.intOrString, segments, depth: depth, path: path)
            var type: Int64 = 0
            if case .value(.number(let text), _)? = slots[1] { type = Int64(text) ?? 0 }
            switch type {
            case 0:
                if case .value(let value, let zero)? = slots[2] { return (value, zero) }
                return (.number("0"), true)
            case 1:
                if case .value(let value, _)? = slots[3] { return (value, false) }
                return (.string(""), false)
            default: throw .invalidIntOrString(field: path, type: type)
            }
        case "meta.v1.FieldsV1":
            // Its one field, `Raw`, is the JSON itself.
            var raw: Range<Int>?
            for segment in segments {
                var reader = ProtobufWireReader(bytes, in: segment)
                while !reader.atEnd {
                    let tag = try reader.tag(in: "FieldsV1")
                    guard tag.number == 1 else {
                        try reader.skip(wireType: tag.wireType)
                        continue
                    }
                    guard tag.wireType == 2 else { throw .wrongWireType(tag.wireType, field: "Raw") }
                    raw = try reader.lengthDelimited()
                }
            }
            guard let raw, !raw.isEmpty else { return (.null, true) }
            guard let value = try? JSONReader.parse(Array(bytes[raw])) else {
                throw .invalidFieldsV1(field: path)
            }
            return (value, false)
        default:
            guard let message = schema.messages[name] else {
                // The table names every message it refers to (its tests check); one it does
                // not have reads as empty rather than misread.
                return (.object([]), true)
            }
            let slots = try read(message, segments, depth: depth, path: path)
            let built = try members(message, slots, depth: depth, path: path)
            return (.object(built.members), built.zero)
        }
    }

    /// The JSON members of a message read into `slots`, in the Go type's order, and whether
    /// every field is zero.
    mutating func members(
        _ message: ProtobufSchema.Message, _ slots: [Int: Slot], depth: Int, path: String
    ) throws(ProtobufError) -> (members: [(key: String, value: JSONValue)], zero: Bool) {
        var members: [(key: String, value: JSONValue)] = []
        var zero = true
        for field in message.fields {
            let fieldPath = path.isEmpty ? field.name : "\(path).\(field.name)"
            switch (slots[field.number], field.type) {
            case (.value(let value, let isZero)?, _):
                zero = zero && isZero
                if isZero && field.omittedWhenZero { continue }
                members.append((field.name, value))
            case (.list(let items)?, _):
                zero = zero && items.isEmpty
                if !items.isEmpty { members.append((field.name, .array(items))) }
            case (.entries(let entries)?, _):
                zero = zero && entries.isEmpty
                if !entries.isEmpty {
                    // Go writes a map's keys sorted.
                    let sorted = entries.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
                    members.append((field.name, .object(sorted.map { (key: $0.key, value: $0.value) })))
                }
            case (.segments(let segments)?, .message(let name)):
                let (value, isZero) = try messageValue(name, segments, depth: depth + 1, path: fieldPath)
                zero = zero && isZero
                if field.inline, case .object(let inner) = value {
                    members += inner
                } else if !(isZero && field.omittedWhenZero) {
                    members.append((field.name, value))
                }
            case (nil, .message(let name)):
                // Absent: a pointer stays out; a struct value is its zero, as Go writes it.
                if field.pointer || field.omittedWhenZero { continue }
                let (value, _) = try messageValue(name, [], depth: depth + 1, path: fieldPath)
                if field.inline, case .object(let inner) = value {
                    members += inner
                } else {
                    members.append((field.name, value))
                }
            case (nil, .list), (nil, .map), (nil, .wrappedList):
                continue
            case (nil, _):
                if field.pointer || field.omittedWhenZero { continue }
                members.append((field.name, Self.zero(field.type)))
            case (.segments?, _):
                continue
            }
        }
        return (members, zero)
    }

    static func scalar(_ type: ProtobufSchema.FieldType, _ raw: UInt64) -> (JSONValue, Bool) {
        switch type {
        case .bool: return (.bool(raw != 0), raw == 0)
        case .int32:
            let value = Int32(truncatingIfNeeded: raw)
            return (.number(String(value)), value == 0)
        default:
            let value = Int64(bitPattern: raw)
            return (.number(String(value)), value == 0)
        }
    }

    static func text(_ type: ProtobufSchema.FieldType, _ raw: ArraySlice<UInt8>) -> JSONValue {
        // Go's JSON writer replaces bytes that are not UTF-8 with U+FFFD, as this does.
        type == .bytes ? .string(Base64.encode(raw)) : .string(String(decoding: raw, as: UTF8.self))
    }

    static func zero(_ type: ProtobufSchema.FieldType) -> JSONValue {
        switch type {
        case .bool: return .bool(false)
        case .int32, .int64: return .number("0")
        case .string, .bytes: return .string("")
        case .message, .map: return .object([])
        case .list, .wrappedList: return .array([])
        }
    }

    /// `ObjectMeta` → `ObjectMeta`; `hostIP` → `HostIP`: the Go field name errors use.
    static func goName(_ name: String) -> String { name.prefix(1).uppercased() + name.dropFirst() }
}

/// Standard base64 with padding, as Go's JSON writer writes a `[]byte`.
private enum Base64 {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ bytes: ArraySlice<UInt8>) -> String {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let count = min(3, bytes.endIndex - index)
            var chunk: UInt32 = 0
            for offset in 0..<3 {
                chunk <<= 8
                if offset < count { chunk |= UInt32(bytes[index + offset]) }
            }
            for position in 0..<4 {
                if position <= count {
                    output.append(alphabet[Int((chunk >> UInt32(18 - 6 * position)) & 0x3f)])
                } else {
                    output.append(UInt8(ascii: "="))
                }
            }
            index += count
        }
        return String(decoding: output, as: UTF8.self)
    }
}

/// Times as the API writes them: RFC 3339 in UTC, whole seconds for a Time and six decimals
/// for a MicroTime.
enum RFC3339 {
    /// Go's zero time, 0001-01-01T00:00:00Z, which JSON writes as null.
    static let goZeroSeconds: Int64 = -62_135_596_800
    /// 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z.
    static let earliest: Int64 = -62_167_219_200
    static let latest: Int64 = 253_402_300_799

    static func isGoZero(seconds: Int64, nanos: Int64) -> Bool {
        normalized(seconds: seconds, nanos: nanos) == (goZeroSeconds, 0)
    }

    /// Nil for a year outside 0 to 9999.
    static func format(seconds: Int64, nanos: Int64, micro: Bool) -> String? {
        let (seconds, nanos) = normalized(seconds: seconds, nanos: nanos)
        guard seconds >= earliest, seconds <= latest else { return nil }
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let time = seconds - days * 86_400
        // Days since the epoch to a civil date (H. Hinnant's algorithm).
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        var text = "\(padded(year, 4))-\(padded(month, 2))-\(padded(day, 2))T"
        text += "\(padded(time / 3600, 2)):\(padded(time / 60 % 60, 2)):\(padded(time % 60, 2))"
        if micro { text += ".\(padded(nanos / 1000, 6))" }
        return text + "Z"
    }

    /// Nanoseconds brought into 0..<1e9, as Go's `time.Unix` brings them.
    private static func normalized(seconds: Int64, nanos: Int64) -> (Int64, Int64) {
        var seconds = seconds
        var nanos = nanos
        if nanos < 0 || nanos >= 1_000_000_000 {
            let carry = nanos >= 0 ? nanos / 1_000_000_000 : (nanos - 999_999_999) / 1_000_000_000
            seconds = seconds.addingReportingOverflow(carry).partialValue
            nanos -= carry * 1_000_000_000
        }
        return (seconds, nanos)
    }

    private static func padded(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
