import JSON
import KubernetesAPITypes

/// A write's `fieldValidation`: what the server does with fields the object's schema does not
/// know and with keys its body repeats. `Strict` refuses the write, `Warn` stores the object
/// without the unknown fields (and with a repeated key's last value) and says so in a `Warning`
/// header per problem, `Ignore` does the same silently. A write that names none is
/// answered as `Warn`, the API server's default; kubectl sends `Strict` unless told otherwise.
enum FieldValidation: String, Sendable {
    case strict = "Strict"
    case warn = "Warn"
    case ignore = "Ignore"

    /// The directive the query gives; an unknown one is refused as the server refuses it, as
    /// an invalid `CreateOptions`, `UpdateOptions` or `PatchOptions`.
    static func parse(_ values: [String], options kind: String) throws(APIError) -> FieldValidation {
        guard let text = values.first, !text.isEmpty else { return .warn }
        if let directive = FieldValidation(rawValue: text) { return directive }
        var details = Status.Details(name: "", group: "meta.k8s.io", kind: kind)
        let message =
            "Unsupported value: \"\(text)\": supported values: \"\", \"Ignore\", \"Strict\", \"Warn\""
        details.causes = [
            Status.Cause(reason: "FieldValueNotSupported", message: message, field: "fieldValidation")
        ]
        throw APIError(
            code: 422, reason: "Invalid",
            message: "\(kind).meta.k8s.io \"\" is invalid: fieldValidation: \(message)", details: details)
    }

    /// The problems a body's repeated keys make, as the decoder names them; a JSON patch's
    /// own operations are named as such.
    static func duplicates(_ paths: [String], inJSONPatch: Bool = false) -> [String] {
        paths.map { "\(inJSONPatch ? "json patch " : "")duplicate field \"\($0)\"" }
    }

    /// The members of a JSON patch's operations that an operation does not have (it has `op`,
    /// `path`, `from` and `value`), as the server's strict reading of the operations names them:
    /// `json patch unknown field "[0].vaule"`.
    static func unknownMembers(ofJSONPatch patch: JSONValue) -> [String] {
        guard case .array(let operations) = patch else { return [] }
        var problems: [String] = []
        for (index, operation) in operations.enumerated() {
            guard case .object(let members) = operation else { continue }
            for member in members where !["op", "path", "from", "value"].contains(member.key) {
                problems.append("json patch unknown field \"[\(index)].\(member.key)\"")
            }
        }
        return problems
    }

    /// What the directive makes of a write's repeated keys (`duplicates`, as `duplicates(_:)`
    /// names them) and of the fields pruning dropped: nothing, warnings for the answer, or the
    /// refusal, repeats first. `decoding` names the object as a create or update refusal does
    /// (`KafkaUser in version "v1alpha1" cannot be handled as a KafkaUser`); a patch's refusal
    /// has no such prefix.
    func judge(duplicates: [String], unknown fields: [String], decoding resource: ResourceDefinition?)
        throws(APIError) -> [String]
    {
        let problems = duplicates + fields.map { "unknown field \"\($0)\"" }
        guard !problems.isEmpty else { return [] }
        switch self {
        case .ignore: return []
        case .warn: return problems
        case .strict:
            let error = "strict decoding error: " + problems.joined(separator: ", ")
            guard let resource else { throw .badRequest(error) }
            throw .badRequest(
                "\(resource.kind) in version \"\(resource.type.version)\" cannot be handled as a \(resource.kind): \(error)"
            )
        }
    }
}
