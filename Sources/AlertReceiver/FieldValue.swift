import JSON

/// A payload field as read in one pass: absent (`nil`), its value, or why its value is wrong.
///
/// A wrong value is kept rather than thrown, so the rest of the body is still read: a body that
/// is not JSON is refused as such whatever else is wrong with it, and fields are checked in a
/// fixed order whatever order the document has.
typealias FieldRead<Value> = Result<Value, WebhookError>?

/// Reads one member's value as the type its field expects. A value of another type becomes the
/// field's error and is left unread, for the scanner to check and skip. Paths are spelled out
/// only when an error names them.
enum FieldValue {
    static func string(_ scanner: inout JSONScanner, path: @autoclosure () -> String) throws(JSONReaderError)
        -> Result<String, WebhookError>
    {
        let kind = try scanner.kind()
        guard kind == .string else {
            return .failure(.wrongType(path: path(), expected: "a string", found: "\(kind)"))
        }
        return .success(try scanner.readString())
    }

    static func status(_ scanner: inout JSONScanner, path: @autoclosure () -> String) throws(JSONReaderError)
        -> Result<AlertStatus, WebhookError>
    {
        switch try string(&scanner, path: path()) {
        case .success(let text):
            guard let status = AlertStatus(rawValue: text) else {
                return .failure(.invalidValue(path: path(), value: text))
            }
            return .success(status)
        case .failure(let error): return .failure(error)
        }
    }

    static func integer(_ scanner: inout JSONScanner, path: @autoclosure () -> String) throws(JSONReaderError)
        -> Result<Int, WebhookError>
    {
        let kind = try scanner.kind()
        guard kind == .number, let number = Int(try scanner.readNumber()) else {
            return .failure(.wrongType(path: path(), expected: "an integer", found: "\(kind)"))
        }
        return .success(number)
    }

    /// An object whose values are all strings (labels, annotations); the first member that is
    /// not a string is the error.
    static func stringMap(_ scanner: inout JSONScanner, path: @autoclosure () -> String)
        throws(JSONReaderError)
        -> Result<[String: String], WebhookError>
    {
        let kind = try scanner.kind()
        guard kind == .object else {
            return .failure(.wrongType(path: path(), expected: "an object", found: "\(kind)"))
        }
        var map: [String: String] = [:]
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
        if let wrong { return .failure(wrong) }
        return .success(map)
    }

    /// The field's value, or the error that says it is missing or wrong.
    static func required<Value>(_ field: FieldRead<Value>, _ path: @autoclosure () -> String)
        throws(WebhookError)
        -> Value
    {
        guard let field else { throw .missingField(path()) }
        return try field.get()
    }
}
