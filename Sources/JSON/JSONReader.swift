/// A strict RFC 8259 JSON reader for request bodies.
///
/// Foundation's JSONDecoder spends about 50 µs on a typical Alertmanager notification, most of
/// the request's cost; reading into a `JSONValue` tree here takes a fraction of that. Strict
/// where ambiguity could be abused: duplicate keys, invalid UTF-8, raw control characters,
/// lone surrogates and trailing bytes are errors, and nesting is bounded (see `JSONScanner`,
/// which does the reading). Depends only on the standard library, so it is fuzzed on its own.
public enum JSONReader {
    public static let maximumDepth = JSONScanner.maximumDepth

    public static func parse(_ input: [UInt8]) throws(JSONReaderError) -> JSONValue {
        try JSONScanner.scan(input) { scanner throws(JSONReaderError) in try scanner.readValue() }
    }

    /// Reads a document that may repeat a key within one object, as a lenient decoder does:
    /// the last value wins (in the place of the first), and `duplicates` lists each repeat by
    /// its path, `spec.ports[0].name`, in document order. In every other way as strict as
    /// `parse`, and as linear.
    public static func parseReportingDuplicateKeys(_ input: [UInt8]) throws(JSONReaderError) -> (
        value: JSONValue, duplicates: [String]
    ) {
        try JSONScanner.scan(input) { scanner throws(JSONReaderError) in
            scanner.allowsDuplicateKeys = true
            var duplicates: [String] = []
            let value = try readKeepingLast(&scanner, path: "", &duplicates)
            return (value, duplicates)
        }
    }

    private static func readKeepingLast(
        _ scanner: inout JSONScanner, path: String, _ duplicates: inout [String]
    ) throws(JSONReaderError) -> JSONValue {
        switch try scanner.kind() {
        case .object:
            var members: [(key: String, value: JSONValue)] = []
            var positions: [String: Int] = [:]
            try scanner.readObject { scanner, key throws(JSONReaderError) in
                let memberPath = path.isEmpty ? key : "\(path).\(key)"
                let value = try readKeepingLast(&scanner, path: memberPath, &duplicates)
                if let position = positions[key] {
                    members[position].value = value
                    duplicates.append(memberPath)
                } else {
                    positions[key] = members.count
                    members.append((key, value))
                }
            }
            return .object(members)
        case .array:
            var elements: [JSONValue] = []
            try scanner.readArray { scanner, index throws(JSONReaderError) in
                elements.append(try readKeepingLast(&scanner, path: "\(path)[\(index)]", &duplicates))
            }
            return .array(elements)
        default:
            return try scanner.readValue()
        }
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
