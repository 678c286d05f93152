/// Reads one JSON document a value at a time, so a decoder can build its own types in one pass
/// instead of building a `JSONValue` tree and copying it. Exactly as strict as `JSONReader`
/// (which is built on it): duplicate keys, invalid UTF-8, raw control characters, lone
/// surrogates and trailing bytes are errors, and nesting is bounded, in the values a decoder
/// reads and in those it leaves unread alike.
///
/// A scanner exists only inside `scan(_:_:)` and reads the caller's bytes in place.
public struct JSONScanner {
    public static let maximumDepth = 64

    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    private var depth = 0
    /// The keys of every object being read, for `ObjectKeys`; one buffer for the document.
    private var keyStack: [String] = []
    /// Whether `readObject` passes a repeated key to its reader instead of refusing it; only
    /// `JSONReader.parseReportingDuplicateKeys` sets it, and says where each repeat was.
    var allowsDuplicateKeys = false

    private init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// Reads `input`, which must hold exactly one JSON value, with `read`; a value `read` leaves
    /// unread is still checked, so a document is either wholly valid or refused.
    public static func scan<Value>(
        _ input: [UInt8], _ read: (inout JSONScanner) throws(JSONReaderError) -> Value
    ) throws(JSONReaderError) -> Value {
        try input.withUnsafeBufferPointer { buffer throws(JSONReaderError) in
            var scanner = JSONScanner(bytes: buffer)
            scanner.skipWhitespace()
            let start = scanner.index
            let value = try read(&scanner)
            if scanner.index == start { try scanner.skipValue() }
            scanner.skipWhitespace()
            guard scanner.index == buffer.count else { throw .trailingBytes(offset: scanner.index) }
            return value
        }
    }

    /// What the next value is, without reading it.
    public func kind() throws(JSONReaderError) -> JSONKind {
        switch try peek() {
        case UInt8(ascii: "{"): return .object
        case UInt8(ascii: "["): return .array
        case UInt8(ascii: "\""): return .string
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return .bool
        case UInt8(ascii: "n"): return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number
        default: throw .unexpectedByte(offset: index)
        }
    }

    /// Reads an object, calling `member` with each key in document order; `member` reads that
    /// key's value or leaves it, and a value left unread is skipped.
    public mutating func readObject(
        _ member: (inout JSONScanner, String) throws(JSONReaderError) -> Void
    ) throws(JSONReaderError) {
        try enter(UInt8(ascii: "{"))
        var keys = ObjectKeys(on: keyStack)
        skipWhitespace()
        if try peek() == UInt8(ascii: "}") {
            leave()
            return
        }
        while true {
            skipWhitespace()
            guard try peek() == UInt8(ascii: "\"") else { throw .unexpectedByte(offset: index) }
            let key = try readString()
            guard keys.isNew(key, on: &keyStack) || allowsDuplicateKeys else { throw .duplicateKey(key) }
            skipWhitespace()
            guard try peek() == UInt8(ascii: ":") else { throw .unexpectedByte(offset: index) }
            index += 1
            skipWhitespace()
            let valueStart = index
            try member(&self, key)
            if index == valueStart { try skipValue() }
            skipWhitespace()
            switch try peek() {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"):
                keys.end(on: &keyStack)
                leave()
                return
            default: throw .unexpectedByte(offset: index)
            }
        }
    }

    /// Reads an array, calling `element` with each element's position; an element left unread
    /// is skipped.
    public mutating func readArray(
        _ element: (inout JSONScanner, Int) throws(JSONReaderError) -> Void
    ) throws(JSONReaderError) {
        try enter(UInt8(ascii: "["))
        skipWhitespace()
        if try peek() == UInt8(ascii: "]") {
            leave()
            return
        }
        var position = 0
        while true {
            skipWhitespace()
            let valueStart = index
            try element(&self, position)
            if index == valueStart { try skipValue() }
            position += 1
            skipWhitespace()
            switch try peek() {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "]"):
                leave()
                return
            default: throw .unexpectedByte(offset: index)
            }
        }
    }

    /// Reads the next value, whatever it is, as a tree.
    public mutating func readValue() throws(JSONReaderError) -> JSONValue {
        switch try kind() {
        case .object:
            var members: [(key: String, value: JSONValue)] = []
            try readObject { scanner, key throws(JSONReaderError) in
                members.append((key, try scanner.readValue()))
            }
            return .object(members)
        case .array:
            var elements: [JSONValue] = []
            try readArray { scanner, _ throws(JSONReaderError) in elements.append(try scanner.readValue()) }
            return .array(elements)
        case .string: return .string(try readString())
        case .number: return .number(try readNumber())
        case .bool: return .bool(try readBool())
        case .null:
            try readLiteral("null")
            return .null
        }
    }

    /// Checks the next value and moves past it, building nothing for plain ASCII strings and
    /// numbers.
    public mutating func skipValue() throws(JSONReaderError) {
        switch try kind() {
        case .object: try readObject { _, _ throws(JSONReaderError) in }
        case .array: try readArray { _, _ throws(JSONReaderError) in }
        case .string: try skipString()
        case .number: try scanNumber()
        case .bool: _ = try readBool()
        case .null: try readLiteral("null")
        }
    }

    public mutating func readBool() throws(JSONReaderError) -> Bool {
        if try peek() == UInt8(ascii: "t") {
            try readLiteral("true")
            return true
        }
        try readLiteral("false")
        return false
    }

    /// A number's text as written, so no precision is lost before a field says what it expects.
    public mutating func readNumber() throws(JSONReaderError) -> String {
        guard try kind() == .number else { throw .unexpectedByte(offset: index) }
        let start = index
        try scanNumber()
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
    }

    public mutating func readString() throws(JSONReaderError) -> String {
        guard try peek() == UInt8(ascii: "\"") else { throw .unexpectedByte(offset: index) }
        let start = index
        index += 1  // the opening quote
        let contentStart = index
        // Fast path: no escapes, so the bytes between the quotes are the string.
        var highBits: UInt8 = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let content = UnsafeBufferPointer(rebasing: bytes[contentStart..<index])
                index += 1
                // Nearly every string in a notification is ASCII, which needs no validation.
                if highBits < 0x80 { return String(decoding: content, as: UTF8.self) }
                guard let string = String(validating: content, as: UTF8.self) else {
                    throw .invalidUTF8(offset: start)
                }
                return string
            }
            if byte == UInt8(ascii: "\\") { break }
            guard byte >= 0x20 else { throw .controlCharacterInString(offset: index) }
            highBits |= byte
            index += 1
        }
        var decoded = Array(UnsafeBufferPointer(rebasing: bytes[contentStart..<index]))
        while true {
            guard index < bytes.count else { throw .unexpectedEnd }
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                guard let string = String(validating: decoded, as: UTF8.self) else {
                    throw .invalidUTF8(offset: start)
                }
                return string
            case UInt8(ascii: "\\"):
                try readEscape(into: &decoded)
            case 0..<0x20:
                throw .controlCharacterInString(offset: index - 1)
            default:
                decoded.append(byte)
            }
        }
    }

    // MARK: - Bytes

    private func peek() throws(JSONReaderError) -> UInt8 {
        guard index < bytes.count else { throw .unexpectedEnd }
        return bytes[index]
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private mutating func enter(_ opening: UInt8) throws(JSONReaderError) {
        guard try peek() == opening else { throw .unexpectedByte(offset: index) }
        depth += 1
        guard depth <= Self.maximumDepth else { throw .tooDeep(limit: Self.maximumDepth) }
        index += 1
    }

    /// Moves past the closing bracket the caller has seen.
    private mutating func leave() {
        index += 1
        depth -= 1
    }

    private mutating func readLiteral(_ word: StaticString) throws(JSONReaderError) {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw .unexpectedEnd }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] {
            throw .unexpectedByte(offset: index + offset)
        }
        index += count
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`; the caller has seen its first byte.
    private mutating func scanNumber() throws(JSONReaderError) {
        let start = index
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count, Self.isDigit(bytes[index]) else { throw .invalidNumber(offset: start) }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            while index < bytes.count, Self.isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard index < bytes.count, Self.isDigit(bytes[index]) else { throw .invalidNumber(offset: start) }
            while index < bytes.count, Self.isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                index += 1
            }
            guard index < bytes.count, Self.isDigit(bytes[index]) else { throw .invalidNumber(offset: start) }
            while index < bytes.count, Self.isDigit(bytes[index]) { index += 1 }
        }
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    /// Plain ASCII strings are checked in place; anything else is read (and dropped) to be
    /// checked exactly as `readString` checks it.
    private mutating func skipString() throws(JSONReaderError) {
        let start = index
        index += 1
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return
            }
            guard byte >= 0x20, byte < 0x80, byte != UInt8(ascii: "\\") else { break }
            index += 1
        }
        index = start
        _ = try readString()
    }

    private mutating func readEscape(into decoded: inout [UInt8]) throws(JSONReaderError) {
        guard index < bytes.count else { throw .unexpectedEnd }
        let escape = bytes[index]
        index += 1
        switch escape {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): decoded.append(escape)
        case UInt8(ascii: "b"): decoded.append(0x08)
        case UInt8(ascii: "f"): decoded.append(0x0C)
        case UInt8(ascii: "n"): decoded.append(0x0A)
        case UInt8(ascii: "r"): decoded.append(0x0D)
        case UInt8(ascii: "t"): decoded.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try readHex4()
            if (0xD800...0xDBFF).contains(scalar) {
                // A high surrogate must be followed by an escaped low surrogate.
                guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"),
                    bytes[index + 1] == UInt8(ascii: "u")
                else { throw .invalidEscape(offset: index) }
                index += 2
                let low = try readHex4()
                guard (0xDC00...0xDFFF).contains(low) else { throw .invalidEscape(offset: index) }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(scalar) {
                throw .invalidEscape(offset: index)
            }
            guard let unicode = Unicode.Scalar(scalar) else { throw .invalidEscape(offset: index) }
            decoded.append(contentsOf: Array(String(Character(unicode)).utf8))
        default:
            throw .invalidEscape(offset: index - 1)
        }
    }

    private mutating func readHex4() throws(JSONReaderError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw .unexpectedEnd }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - 0x30)
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - 0x57)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - 0x37)
            default: throw .invalidEscape(offset: index)
            }
            value = value << 4 | digit
            index += 1
        }
        return value
    }
}

/// The six kinds of JSON value; the description names one in an error message ("a string").
public enum JSONKind: Sendable, CustomStringConvertible {
    case null, bool, number, string, array, object

    public var description: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}
