import KubernetesAPITypes

/// A write's `fieldValidation`: what the server does with fields the object's schema does not
/// know. `Strict` refuses the write, `Warn` stores the object without them and says so in a
/// `Warning` header per field, `Ignore` drops them silently. A write that names none is
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

    /// What the directive makes of the unknown fields a write had: nothing, warnings for the
    /// answer, or the refusal. `decoding` names the object as a create or update refusal does
    /// (`KafkaUser in version "v1alpha1" cannot be handled as a KafkaUser`); a patch's refusal
    /// has no such prefix.
    func judge(unknown fields: [String], decoding resource: ResourceDefinition?) throws(APIError)
        -> [String]
    {
        guard !fields.isEmpty else { return [] }
        let problems = fields.map { "unknown field \"\($0)\"" }
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
