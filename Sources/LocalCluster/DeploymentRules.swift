import JSON
import KubernetesAPITypes

/// What the API server requires of an `apps/v1` Deployment, as its validation decides it (422
/// Invalid): a selector with labels that the pod template carries, a template with a container,
/// no negative replica count; and on update, the same selector (immutable in `apps/v1`).
/// `matchExpressions` are kept but not evaluated.
enum DeploymentRules {
    static func check(_ resource: ResourceDefinition, name: String, old: JSONValue?, new: JSONValue)
        throws(APIError)
    {
        var causes: [Status.Cause] = []
        func invalid(_ field: String, _ message: String, reason: String = "FieldValueInvalid") {
            causes.append(Status.Cause(reason: reason, message: message, field: field))
        }
        let selector = new.value(at: ["spec", "selector"])
        let matchLabels = selector?["matchLabels"]?.members ?? []
        if selector == nil || selector == .null {
            invalid("spec.selector", "Required value", reason: "FieldValueRequired")
        } else if matchLabels.isEmpty && (selector?["matchExpressions"]?.items ?? []).isEmpty {
            invalid("spec.selector", "Invalid value: {}: empty selector is invalid for deployment")
        }
        let labels = new.value(at: ["spec", "template", "metadata", "labels"])
        if matchLabels.contains(where: { labels?[$0.key] != $0.value }) {
            invalid(
                "spec.template.metadata.labels",
                "Invalid value: \(String(decoding: (labels ?? .object([])).encoded(), as: UTF8.self)): "
                    + "`selector` does not match template `labels`")
        }
        if (new.value(at: ["spec", "template", "spec", "containers"])?.items ?? []).isEmpty {
            invalid("spec.template.spec.containers", "Required value", reason: "FieldValueRequired")
        }
        if case .number(let text)? = new.value(at: ["spec", "replicas"]), (Int(text) ?? 0) < 0 {
            invalid("spec.replicas", "Invalid value: \(text): must be greater than or equal to 0")
        }
        if let old, old.value(at: ["spec", "selector"]) != selector {
            invalid(
                "spec.selector",
                "Invalid value: \(String(decoding: (selector ?? .null).encoded(), as: UTF8.self)): field is immutable"
            )
        }
        if !causes.isEmpty { throw .invalid(resource, name, causes) }
    }
}
