import JSON

/// The slice of the OpenAPI v3 documents kubectl reads before `create` and `apply`: for each
/// group version, PATCH operations tagged with their kind that accept `fieldValidation`, which
/// tells kubectl to leave validation to the server instead of downloading schemas.
struct OpenAPIDocuments: Sendable {
    let registry: ResourceRegistry

    /// `/openapi/v3`: where each group version's document is.
    var root: JSONValue {
        var paths: [(key: String, value: JSONValue)] = [
            ("api/v1", .object([("serverRelativeURL", .string("/openapi/v3/api/v1?hash=local"))]))
        ]
        for group in registry.groups {
            for version in group.versions {
                let path = "apis/\(group.name)/\(version)"
                paths.append(
                    (path, .object([("serverRelativeURL", .string("/openapi/v3/\(path)?hash=local"))])))
            }
        }
        return .object([("paths", .object(paths))])
    }

    /// `/openapi/v3/api/v1`, `/openapi/v3/apis/{group}/{version}`.
    func document(group: String, version: String) -> JSONValue? {
        let definitions = registry.resources(group: group, version: version)
        guard !definitions.isEmpty else { return nil }
        var paths: [(key: String, value: JSONValue)] = []
        for definition in definitions {
            let operation = JSONValue.object([
                (
                    "x-kubernetes-group-version-kind",
                    .object([
                        ("group", .string(group)), ("version", .string(version)),
                        ("kind", .string(definition.kind)),
                    ])
                ),
                (
                    "parameters",
                    .array([
                        .object([
                            ("name", .string("fieldValidation")), ("in", .string("query")),
                            ("schema", .object([("type", .string("string"))])),
                        ])
                    ])
                ),
                ("responses", .object([("200", .object([("description", .string("OK"))]))])),
            ])
            let path = definition.type.path(
                namespace: definition.namespaced ? "{namespace}" : nil, name: "{name}")
            paths.append((path.removingPercentEncodedBraces, .object([("patch", operation)])))
        }
        return .object([
            ("openapi", .string("3.0.0")),
            ("info", .object([("title", .string("Kubernetes")), ("version", .string("v1.37.0"))])),
            ("paths", .object(paths)),
        ])
    }
}

extension String {
    /// `ResourceType.path` escapes `{` and `}`; OpenAPI path templates need them.
    fileprivate var removingPercentEncodedBraces: String {
        replacing("%7B", with: "{").replacing("%7D", with: "}")
    }
}
