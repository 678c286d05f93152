/// A parsed JSON document. Numbers keep their text, so no precision is lost before a field
/// says what it expects.
public enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSONValue])
    /// Members in document order; keys are unique (the reader refuses duplicates).
    case object([(key: String, value: JSONValue)])

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.number(let a), .number(let b)): return a == b
        case (.string(let a), .string(let b)): return a == b
        case (.array(let a), .array(let b)): return a == b
        case (.object(let a), .object(let b)):
            // Member order carries no meaning in JSON (RFC 8259 §4).
            return a.count == b.count
                && a.allSatisfy { member in b.first { $0.key == member.key }?.value == member.value }
        default: return false
        }
    }

    /// The member called `key`, when this is an object that has it.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    /// What kind of value this is, for error messages: "a string", "an object", ...
    public var kind: String {
        switch self {
        case .null: return JSONKind.null.description
        case .bool: return JSONKind.bool.description
        case .number: return JSONKind.number.description
        case .string: return JSONKind.string.description
        case .array: return JSONKind.array.description
        case .object: return JSONKind.object.description
        }
    }
}
