import JSON

/// A field selector (`fieldSelector=`): comma-separated `field=value`, `field==value` and
/// `field!=value` over the few fields each resource supports, as the API does.
struct FieldSelector: Equatable, Sendable {
    struct Requirement: Equatable, Sendable {
        let field: String
        let value: String
        let negated: Bool
    }

    let requirements: [Requirement]

    static let everything = FieldSelector(requirements: [])

    init(requirements: [Requirement]) {
        self.requirements = requirements
    }

    /// Parses `text`, refusing fields that `resource` cannot be selected by.
    init(parsing text: String, supportedFields: Set<String>, resource: String) throws(SelectorError) {
        var requirements: [Requirement] = []
        let trimmed = LabelSelector.trim(Substring(text))
        if !trimmed.isEmpty {
            for raw in trimmed.split(separator: ",", omittingEmptySubsequences: false) {
                let part = LabelSelector.trim(raw)
                let requirement: Requirement
                if let range = part.firstRange(of: "!=") {
                    requirement = Requirement(
                        field: String(LabelSelector.trim(part[..<range.lowerBound])),
                        value: String(LabelSelector.trim(part[range.upperBound...])), negated: true)
                } else if let range = part.firstRange(of: "==") ?? part.firstRange(of: "=") {
                    requirement = Requirement(
                        field: String(LabelSelector.trim(part[..<range.lowerBound])),
                        value: String(LabelSelector.trim(part[range.upperBound...])), negated: false)
                } else {
                    throw .invalid(text, "invalid selector: '\(part)'; can't understand '\(part)'")
                }
                guard !requirement.field.isEmpty else { throw .invalid(text, "a requirement has no field") }
                guard supportedFields.contains(requirement.field) else {
                    throw .unsupportedField(requirement.field, resource: resource)
                }
                requirements.append(requirement)
            }
        }
        self.requirements = requirements
    }

    func matches(_ object: JSONValue) -> Bool {
        requirements.allSatisfy { requirement in
            let actual = Self.fieldValue(object, requirement.field)
            return (actual == requirement.value) != requirement.negated
        }
    }

    /// A field's value as text; absent fields read as the empty string, as in the API.
    static func fieldValue(_ object: JSONValue, _ field: String) -> String {
        switch object.value(at: field.split(separator: ".").map(String.init)) {
        case .string(let text)?: return text
        case .number(let text)?: return text
        case .bool(let flag)?: return flag ? "true" : "false"
        default: return ""
        }
    }

    /// The fields every resource supports, and the extra ones of a few.
    static func supportedFields(for plural: String) -> Set<String> {
        var fields: Set<String> = ["metadata.name", "metadata.namespace"]
        switch plural {
        case "events":
            fields.formUnion([
                "involvedObject.kind", "involvedObject.namespace", "involvedObject.name",
                "involvedObject.uid",
                "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath",
                "reason", "reportingComponent", "source", "type",
            ])
        case "pods":
            fields.formUnion([
                "spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
                "status.phase", "status.podIP", "status.nominatedNodeName",
            ])
        case "secrets": fields.insert("type")
        case "namespaces": fields.insert("status.phase")
        default: break
        }
        return fields
    }
}
