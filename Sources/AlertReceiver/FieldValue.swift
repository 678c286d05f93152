import JSON

/// A payload field as read in one pass: absent, its value, or why its value is wrong.
///
/// A wrong value is kept rather than thrown, so the rest of the body is still read: a body that
/// is not JSON is refused as such whatever else is wrong with it, and fields are checked in a
/// fixed order whatever order the document has. (Not `Result`: the standard library's generic
/// `Result` operations looked up type metadata on every field.)
enum FieldRead<Value> {
    case absent
    case read(Value)
    case wrong(WebhookError)

    /// The value, or the error that says it is missing or wrong.
    func required(_ path: @autoclosure () -> String) throws(WebhookError) -> Value {
        switch self {
        case .absent: throw .missingField(path())
        case .read(let value): return value
        case .wrong(let error): throw error
        }
    }

    /// The value when present, or the error that says it is wrong.
    func optional() throws(WebhookError) -> Value? {
        switch self {
        case .absent: return nil
        case .read(let value): return value
        case .wrong(let error): throw error
        }
    }
}

/// Reads one member's value as the type its field expects. A value of another type becomes the
/// field's error and is left unread, for the scanner to check and skip. Paths are spelled out
/// only when an error names them.
enum FieldValue {
    static func string(_ scanner: inout JSONScanner, path: @autoclosure () -> String) throws(JSONReaderError)
        -> FieldRead<String>
    {
        let kind = try scanner.kind()
        guard kind == .string else {
            return .wrong(.wrongType(path: path(), expected: "a string", found: "\(kind)"))
        }
        return .read(try scanner.readString())
    }

    static func status(_ scanner: inout JSONScanner, path: @autoclosure () -> String) throws(JSONReaderError)
        -> FieldRead<AlertStatus>
    {
        switch try string(&scanner, path: path()) {
        case .read(let text):
            guard let status = AlertStatus(rawValue: text) else {
                return .wrong(.invalidValue(path: path(), value: text))
            }
            return .read(status)
        case .wrong(let error): return .wrong(error)
        case .absent: return .absent
        }
    }

    static func integer(_ scanner: inout JSONScanner, path: @autoclosure () -> String) throws(JSONReaderError)
        -> FieldRead<Int>
    {
        let kind = try scanner.kind()
        guard kind == .number, let number = Int(try scanner.readNumber()) else {
            return .wrong(.wrongType(path: path(), expected: "an integer", found: "\(kind)"))
        }
        return .read(number)
    }

    /// An object whose values are all strings (labels, annotations); the first member that is
    /// not a string is the error.
    static func stringMap(_ scanner: inout JSONScanner, path: @autoclosure () -> String)
        throws(JSONReaderError)
        -> FieldRead<[String: String]>
    {
        let kind = try scanner.kind()
        guard kind == .object else {
            return .wrong(.wrongType(path: path(), expected: "an object", found: "\(kind)"))
        }
        // Room for a typical label set, so building it never rehashes.
        var map: [String: String] = Dictionary(minimumCapacity: 8)
        var wrong: WebhookError?
        try scanner.readObject { scanner, key throws(JSONReaderError) in
            guard wrong == nil else { return }
            let kind = try scanner.kind()
            guard kind == .string else {
                wrong = .wrongType(path: path() + "." + key, expected: "a string", found: "\(kind)")
                return
            }
            map[key] = try scanner.readString()
        }
        if let wrong { return .wrong(wrong) }
        return .read(map)
    }
}
