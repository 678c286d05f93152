import JSON
import KubernetesAPITypes

/// The checks of a CRD's structural schema, with the causes the API server gives for each
/// field it refuses, shared by the custom resources the local cluster validates.
enum SchemaCheck {
    enum JSONType: String {
        case object, string, integer, array, boolean
    }

    /// The value at `key`, or a Required cause when it is missing.
    static func required(
        _ object: JSONValue, _ key: String, in path: String, _ causes: inout [Status.Cause]
    ) -> JSONValue? {
        if let value = object[key] { return value }
        let field = path.isEmpty ? key : "\(path).\(key)"
        causes.append(Status.Cause(reason: "FieldValueRequired", message: "Required value", field: field))
        return nil
    }

    /// Whether `value` has the type; adds the server's type cause when it does not.
    static func expect(
        _ value: JSONValue, _ type: JSONType, at path: String, _ causes: inout [Status.Cause]
    ) -> Bool {
        let matches: Bool
        switch (type, value) {
        case (.object, .object), (.string, .string), (.array, .array), (.boolean, .bool): matches = true
        case (.integer, .number(let text)): matches = Int(text) != nil
        default: matches = false
        }
        if !matches {
            causes.append(
                Status.Cause(
                    reason: "FieldValueTypeInvalid",
                    message:
                        "Invalid value: \"\(found(value))\": \(path) in body must be of type \(type.rawValue): \"\(found(value))\"",
                    field: path))
        }
        return matches
    }

    /// An integer within `range`, with the server's `minimum` and `maximum` causes.
    static func integer(
        _ value: JSONValue, in range: ClosedRange<Int>, at path: String, _ causes: inout [Status.Cause]
    ) {
        guard expect(value, .integer, at: path, &causes), case .number(let text) = value,
            let number = Int(text)
        else { return }
        if number < range.lowerBound {
            causes.append(
                Status.Cause(
                    reason: "FieldValueInvalid",
                    message:
                        "Invalid value: \(number): \(path) in body should be greater than or equal to \(range.lowerBound)",
                    field: path))
        } else if number > range.upperBound {
            causes.append(
                Status.Cause(
                    reason: "FieldValueInvalid",
                    message:
                        "Invalid value: \(number): \(path) in body should be less than or equal to \(range.upperBound)",
                    field: path))
        }
    }

    /// A string among `allowed` (`enum:`), with the server's NotSupported cause.
    static func oneOf(
        _ value: JSONValue, _ allowed: [String], at path: String, _ causes: inout [Status.Cause]
    ) {
        guard expect(value, .string, at: path, &causes), case .string(let text) = value,
            !allowed.contains(text)
        else { return }
        causes.append(
            Status.Cause(
                reason: "FieldValueNotSupported",
                message:
                    "Unsupported value: \"\(text)\": supported values: "
                    + allowed.map { "\"\($0)\"" }.joined(separator: ", "),
                field: path))
    }

    /// An object whose every member is a string (`additionalProperties: {type: string}`).
    static func stringMap(_ value: JSONValue, at path: String, _ causes: inout [Status.Cause]) {
        guard expect(value, .object, at: path, &causes) else { return }
        for (member, item) in value.members ?? [] {
            _ = expect(item, .string, at: "\(path).\(member)", &causes)
        }
    }

    /// The type name the server's message gives for what it found.
    private static func found(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool: "boolean"
        case .number(let text): Int(text) == nil ? "number" : "integer"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}
