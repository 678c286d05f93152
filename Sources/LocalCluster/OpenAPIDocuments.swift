import JSON
import Synchronization

/// The OpenAPI v3 documents kubectl reads: for each group version, PATCH operations tagged with
/// their kind that accept `fieldValidation` (which tells kubectl to leave validation to the
/// server instead of downloading schemas), and in `components.schemas` the schemas of the kinds
/// served and everything they refer to, which `kubectl explain` walks. A built-in group
/// version's document is made and encoded once; a custom resources' one follows the stored
/// CRDs. The root names each document with a hash of its bytes, as the API server does, so a
/// client's cache of a document goes stale when its schemas change.
struct OpenAPIDocuments: Sendable {
    let registry: ResourceRegistry
    /// The stored CustomResourceDefinitions by name (`kafkaclusters.kafka.banzaicloud.io`).
    let crds: [String: JSONValue]

    /// An encoded document and the hash the root lists it under.
    struct Document: Sendable {
        let bytes: [UInt8]
        let hash: String
    }

    /// The built-in group versions' documents, made on first request.
    private static let builtInDocuments = Mutex<[String: Document]>([:])

    /// `/openapi/v3`: where each group version's document is.
    var root: JSONValue {
        var paths: [(key: String, value: JSONValue)] = []
        for (group, version) in [("", "v1")]
            + registry.groups.flatMap({ group in group.versions.map { (group.name, $0) } })
        {
            let path = group.isEmpty ? "api/\(version)" : "apis/\(group)/\(version)"
            guard let document = document(group: group, version: version) else { continue }
            paths.append(
                (path, .object([("serverRelativeURL", .string("/openapi/v3/\(path)?hash=\(document.hash)"))]))
            )
        }
        return .object([("paths", .object(paths))])
    }

    /// `/openapi/v3/api/v1`, `/openapi/v3/apis/{group}/{version}`.
    func document(group: String, version: String) -> Document? {
        let definitions = registry.resources(group: group, version: version)
        guard !definitions.isEmpty else { return nil }
        let builtIn = definitions.allSatisfy { OpenAPISchemas.builtInName($0) != nil }
        let key = "\(group)/\(version)"
        if builtIn, let made = Self.builtInDocuments.withLock({ $0[key] }) { return made }
        let made = Self.encoded(make(definitions, group: group, version: version))
        if builtIn { Self.builtInDocuments.withLock { $0[key] = made } }
        return made
    }

    private func make(_ definitions: [ResourceDefinition], group: String, version: String) -> JSONValue {
        var paths: [(key: String, value: JSONValue)] = []
        var schemas = OpenAPISchemas.builtIn
        var roots: [String] = []
        for definition in definitions {
            if let name = OpenAPISchemas.builtInName(definition) {
                roots.append(name)
            } else {
                let (name, schema) = OpenAPISchemas.customResource(
                    definition, crd: crds[definition.qualifiedName])
                schemas[name] = schema
                roots.append(name)
            }
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
        let components = OpenAPISchemas.closure(roots, in: schemas).compactMap { name in
            schemas[name].map { (key: name, value: $0) }
        }
        return .object([
            ("openapi", .string("3.0.0")),
            ("info", .object([("title", .string("Kubernetes")), ("version", .string("v1.37.0"))])),
            ("paths", .object(paths)),
            ("components", .object([("schemas", .object(components))])),
        ])
    }

    private static func encoded(_ document: JSONValue) -> Document {
        let bytes = document.encoded()
        // FNV-1a: the hash only has to change when the document does.
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        let hex = String(hash, radix: 16, uppercase: true)
        return Document(bytes: bytes, hash: String(repeating: "0", count: 16 - hex.count) + hex)
    }
}

extension String {
    /// `ResourceType.path` escapes `{` and `}`; OpenAPI path templates need them.
    fileprivate var removingPercentEncodedBraces: String {
        replacing("%7B", with: "{").replacing("%7D", with: "}")
    }
}
