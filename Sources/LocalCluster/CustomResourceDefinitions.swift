import JSON
import KubernetesAPITypes

/// CustomResourceDefinitions as the local cluster keeps them: stored with the API server's
/// checks on names, and answered with the conditions the real server sets. The kinds served are
/// the local cluster's own (the operator's KafkaCluster, CruiseControlOperation, KafkaTopic and
/// KafkaUser, with their schemas); a CRD for one of them is `Established`, and a CRD for any
/// other kind is stored but says, in its `Established` condition, that nothing serves it here.
enum CustomResourceDefinitions {
    static func admit(
        _ crd: inout JSONValue, _ resource: ResourceDefinition, name: String, served: ResourceRegistry
    )
        throws(APIError)
    {
        let group = crd.value(at: ["spec", "group"])?.stringValue ?? ""
        let plural = crd.value(at: ["spec", "names", "plural"])?.stringValue ?? ""
        let kind = crd.value(at: ["spec", "names", "kind"])?.stringValue ?? ""
        var causes: [Status.Cause] = []
        func require(_ value: String, _ field: String) {
            if value.isEmpty {
                causes.append(
                    Status.Cause(reason: "FieldValueRequired", message: "Required value", field: field))
            }
        }
        require(group, "spec.group")
        require(plural, "spec.names.plural")
        require(kind, "spec.names.kind")
        let scope = crd.value(at: ["spec", "scope"])?.stringValue ?? ""
        if !["Namespaced", "Cluster"].contains(scope) {
            causes.append(
                Status.Cause(
                    reason: "FieldValueNotSupported",
                    message: "Unsupported value: \"\(scope)\": supported values: \"Cluster\", \"Namespaced\"",
                    field: "spec.scope"))
        }
        var versions: [JSONValue] = []
        if case .array(let listed)? = crd.value(at: ["spec", "versions"]) { versions = listed }
        if versions.isEmpty {
            causes.append(
                Status.Cause(reason: "FieldValueRequired", message: "Required value", field: "spec.versions"))
        } else if versions.filter({ $0["storage"] == .bool(true) }).count != 1 {
            causes.append(
                Status.Cause(
                    reason: "FieldValueInvalid",
                    message: "Invalid value: must have exactly one version marked as storage version",
                    field: "spec.versions"))
        }
        if !plural.isEmpty, !group.isEmpty, name != "\(plural).\(group)" {
            causes.append(
                Status.Cause(
                    reason: "FieldValueInvalid",
                    message: "Invalid value: \"\(name)\": must be spec.names.plural+\".\"+spec.group",
                    field: "metadata.name"))
        }
        guard causes.isEmpty else { throw .invalid(resource, name, causes) }

        let servedVersions = versions.compactMap { version -> String? in
            guard version["served"] == .bool(true) else { return nil }
            return version["name"]?.stringValue
        }
        let isServed = served.definitions.contains { definition in
            definition.group == group && definition.plural == plural
                && servedVersions.contains(definition.type.version)
        }
        var previous: [JSONValue] = []
        if case .array(let conditions)? = crd.value(at: ["status", "conditions"]) { previous = conditions }
        func condition(_ type: String, _ status: String, _ reason: String, _ message: String) -> JSONValue {
            // A condition that holds as before keeps the time it last changed.
            let since =
                previous.first { $0["type"] == .string(type) && $0["status"] == .string(status) }?[
                    "lastTransitionTime"] ?? .string(Timestamp.now())
            return .object([
                ("type", .string(type)), ("status", .string(status)), ("lastTransitionTime", since),
                ("reason", .string(reason)), ("message", .string(message)),
            ])
        }
        let established: JSONValue =
            isServed
            ? condition("Established", "True", "InitialNamesAccepted", "the initial names have been accepted")
            : condition(
                "Established", "False", "NotServed",
                "the local cluster serves only its own custom resources: \(plural).\(group) is stored, not served"
            )
        crd.set(
            ["status"],
            .object([
                ("acceptedNames", crd.value(at: ["spec", "names"]) ?? .object([])),
                (
                    "conditions",
                    .array([
                        condition("NamesAccepted", "True", "NoConflicts", "no conflicts found"), established,
                    ])
                ),
                ("storedVersions", .array(servedVersions.map { .string($0) })),
            ]))
    }
}
