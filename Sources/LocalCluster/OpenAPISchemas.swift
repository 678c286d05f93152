import JSON

/// The schemas of the kinds served, as the /openapi/v3 documents carry them in
/// `components.schemas` for `kubectl explain`: the built-in kinds' from the official
/// definitions (`BuiltInOpenAPISchemas`, read once, on first use), a custom resource's from the
/// structural schema of its stored CustomResourceDefinition, as the API server publishes it.
enum OpenAPISchemas {
    /// The built-in component schemas by name.
    static let builtIn: [String: JSONValue] = {
        // The text is generated JSON that the schema tests read; should it not read, explain
        // finds no schemas rather than the server failing.
        guard case .object(let members)? = try? JSONReader.parse(Array(BuiltInOpenAPISchemas.json.utf8))
        else {
            return [:]
        }
        return Dictionary(members.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
    }()

    /// The component of each built-in kind, by `group/version/kind`.
    static let builtInKinds: [String: String] = {
        var kinds: [String: String] = [:]
        for (name, schema) in builtIn {
            guard case .array(let entries)? = schema["x-kubernetes-group-version-kind"] else { continue }
            for entry in entries {
                let group = entry["group"]?.stringValue ?? ""
                let version = entry["version"]?.stringValue ?? ""
                let kind = entry["kind"]?.stringValue ?? ""
                kinds["\(group)/\(version)/\(kind)"] = name
            }
        }
        return kinds
    }()

    static func builtInName(_ type: ResourceDefinition) -> String? {
        builtInKinds["\(type.group)/\(type.type.version)/\(type.kind)"]
    }

    /// `roots` and every schema they refer to, transitively, in name order.
    static func closure(_ roots: [String], in schemas: [String: JSONValue]) -> [String] {
        var seen = Set<String>()
        var queue = roots
        while let name = queue.popLast() {
            guard !seen.contains(name), let schema = schemas[name] else { continue }
            seen.insert(name)
            references(schema, into: &queue)
        }
        return seen.sorted()
    }

    static let referencePrefix = "#/components/schemas/"

    /// The component names a schema refers to; a property called `$ref` is a name, not one.
    static func references(_ schema: JSONValue, into names: inout [String]) {
        switch schema {
        case .object(let members):
            for (key, value) in members {
                if key == "$ref", case .string(let reference) = value, reference.hasPrefix(referencePrefix) {
                    names.append(String(reference.dropFirst(referencePrefix.count)))
                } else if key == "properties", case .object(let properties) = value {
                    for property in properties { references(property.value, into: &names) }
                } else {
                    references(value, into: &names)
                }
            }
        case .array(let items):
            for item in items { references(item, into: &names) }
        default:
            return
        }
    }

    /// A custom resource's component: its name as the API server names it (the group reversed,
    /// then version and kind) and its schema, the stored CRD's `openAPIV3Schema` for the version
    /// with the members every object has. Without a stored CRD the kind is served schemaless,
    /// and its schema says so.
    static func customResource(_ definition: ResourceDefinition, crd: JSONValue?) -> (String, JSONValue) {
        let reversed = definition.group.split(separator: ".").reversed().joined(separator: ".")
        let name = "\(reversed).\(definition.type.version).\(definition.kind)"
        let version = crd?.value(at: ["spec", "versions"])?.items?.first {
            $0["name"] == .string(definition.type.version)
        }
        var schema: JSONValue
        if let stored = version?.value(at: ["schema", "openAPIV3Schema"]), stored.members != nil {
            schema = stored
        } else {
            schema = .object([
                ("type", .string("object")),
                (
                    "description",
                    .string(
                        "\(definition.kind) is served without a schema until its CustomResourceDefinition is "
                            + "applied (kubectl apply -f deploy/).")
                ),
                ("x-kubernetes-preserve-unknown-fields", .bool(true)),
            ])
            for member in ["spec", "status"] {
                schema.set(
                    ["properties", member],
                    .object([
                        ("type", .string("object")), ("x-kubernetes-preserve-unknown-fields", .bool(true)),
                    ]))
            }
        }
        let meta = builtIn["io.k8s.api.core.v1.ConfigMap"]?["properties"]
        for member in ["apiVersion", "kind", "metadata"] {
            if let property = meta?[member] { schema.set(["properties", member], property) }
        }
        schema.set(
            ["x-kubernetes-group-version-kind"],
            .array([
                .object([
                    ("group", .string(definition.group)), ("kind", .string(definition.kind)),
                    ("version", .string(definition.type.version)),
                ])
            ]))
        return (name, schema)
    }
}
