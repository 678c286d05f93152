/// A strict RFC 8259 JSON reader for request bodies.
///
/// Foundation's JSONDecoder spends about 50 µs on a typical Alertmanager notification, most of
/// the request's cost; reading into a `JSONValue` tree here takes a fraction of that. Strict
/// where ambiguity could be abused: duplicate keys, invalid UTF-8, raw control characters,
/// lone surrogates and trailing bytes are errors, and nesting is bounded. Depends only on the
/// standard library, so it is fuzzed on its own.
public struct JSONReader {
    public static let maximumDepth = 64

    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    private var depth = 0

    private init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    public static func parse(_ input: [UInt8]) throws(JSONReaderError) -> JSONValue {
        try input.withUnsafeBufferPointer { buffer throws(JSONReaderError) in
            var reader = JSONReader(bytes: buffer)
            reader.skipWhitespace()
            let value = try reader.readValue()
            reader.skipWhitespace()
            guard reader.index == buffer.count else { throw .trailingBytes(offset: reader.index) }
            return value
        }
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private func peek() throws(JSONReaderError) -> UInt8 {
        guard index < bytes.count else { throw .unexpectedEnd }
        return bytes[index]
    }

    private mutating func readValue() throws(JSONReaderError) -> JSONValue {
        switch try peek() {
        case UInt8(ascii: "{"): return try readObject()
        case UInt8(ascii: "["): return try readArray()
        case UInt8(ascii: "\""): return .string(try readString())
        case UInt8(ascii: "t"): return try readLiteral("true", .bool(true))
        case UInt8(ascii: "f"): return try readLiteral("false", .bool(false))
        case UInt8(ascii: "n"): return try readLiteral("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try readNumber()
        default: throw .unexpectedByte(offset: index)
        }
    }

    private mutating func enter() throws(JSONReaderError) {
        depth += 1
        guard depth <= Self.maximumDepth else { throw .tooDeep(limit: Self.maximumDepth) }
        index += 1
    }

    private mutating func readObject() throws(JSONReaderError) -> JSONValue {
        try enter()
        var members: [(key: String, value: JSONValue)] = []
        var keys = ObjectKeys()
        skipWhitespace()
        if try peek() == UInt8(ascii: "}") {
            index += 1
            depth -= 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard try peek() == UInt8(ascii: "\"") else { throw .unexpectedByte(offset: index) }
            let key = try readString()
            guard keys.isNew(key, among: members) else { throw .duplicateKey(key) }
            skipWhitespace()
            guard try peek() == UInt8(ascii: ":") else { throw .unexpectedByte(offset: index) }
            index += 1
            skipWhitespace()
            members.append((key, try readValue()))
            skipWhitespace()
            switch try peek() {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"):
                index += 1
                depth -= 1
                return .object(members)
            default: throw .unexpectedByte(offset: index)
            }
        }
    }

    private mutating func readArray() throws(JSONReaderError) -> JSONValue {
        try enter()
        var elements: [JSONValue] = []
        skipWhitespace()
        if try peek() == UInt8(ascii: "]") {
            index += 1
            depth -= 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try readValue())
            skipWhitespace()
            switch try peek() {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "]"):
                index += 1
                depth -= 1
                return .array(elements)
            default: throw .unexpectedByte(offset: index)
            }
        }
    }

    private mutating func readLiteral(_ word: StaticString, _ value: JSONValue) throws(JSONReaderError)
        -> JSONValue
    {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw .unexpectedEnd }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] {
            throw .unexpectedByte(offset: index + offset)
        }
        index += count
        return value
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    private mutating func readNumber() throws(JSONReaderError) -> JSONValue {
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
        return .number(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self))
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    private mutating func readString() throws(JSONReaderError) -> String {
        let start = index
        index += 1  // the opening quote
        let contentStart = index
        // Fast path: no escapes, so the bytes between the quotes are the string.
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let content = UnsafeBufferPointer(rebasing: bytes[contentStart..<index])
                index += 1
                // Nearly every string in a notification is ASCII, which needs no validation.
                if content.allSatisfy({ $0 < 0x80 }) { return String(decoding: content, as: UTF8.self) }
                guard let string = String(validating: content, as: UTF8.self) else {
                    throw .invalidUTF8(offset: start)
                }
                return string
            }
            if byte == UInt8(ascii: "\\") { break }
            guard byte >= 0x20 else { throw .controlCharacterInString(offset: index) }
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

/// Why a body is not JSON; offsets count bytes from the start of the body.
public enum JSONReaderError: Error, Equatable, Sendable, CustomStringConvertible {
    case unexpectedEnd
    case unexpectedByte(offset: Int)
    case trailingBytes(offset: Int)
    case invalidNumber(offset: Int)
    case invalidEscape(offset: Int)
    case invalidUTF8(offset: Int)
    case controlCharacterInString(offset: Int)
    case duplicateKey(String)
    case tooDeep(limit: Int)

    public var description: String {
        switch self {
        case .unexpectedEnd: return "the JSON ends too early"
        case .unexpectedByte(let offset): return "unexpected character at byte \(offset)"
        case .trailingBytes(let offset): return "unexpected data after the JSON value at byte \(offset)"
        case .invalidNumber(let offset): return "invalid number at byte \(offset)"
        case .invalidEscape(let offset): return "invalid escape sequence at byte \(offset)"
        case .invalidUTF8(let offset): return "invalid UTF-8 in the string at byte \(offset)"
        case .controlCharacterInString(let offset): return "unescaped control character at byte \(offset)"
        case .duplicateKey(let key): return "the key '\(key.prefix(64))' appears twice in one object"
        case .tooDeep(let limit): return "the JSON nests deeper than \(limit) levels"
        }
    }
}
