import JSON

/// Drops from a custom resource what its CRD's structural schema (`openAPIV3Schema`) does not
/// describe, as the API server does before it stores one, and says which fields went, in the
/// server's notation (`spec.foo`, `spec.grants[0].foo`).
///
/// A member is kept when the schema's `properties` name it, when `additionalProperties` gives
/// its schema, or when `x-kubernetes-preserve-unknown-fields: true` holds at its object (known
/// members below such an object are still pruned against their schemas). A resource's root and
/// every `x-kubernetes-embedded-resource` object also keep `apiVersion`, `kind` and `metadata`,
/// whose members are those of ObjectMeta, whatever the schema says of them.
struct FieldPruning: Sendable {
    let schema: JSONValue

    /// The members of ObjectMeta a client may send; anything else under `metadata` is unknown.
    static let objectMetaFields: Set<String> = [
        "name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation",
        "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "labels", "annotations",
        "ownerReferences", "finalizers", "managedFields",
    ]

    /// Prunes a whole resource; returns the paths dropped, sorted.
    func prune(_ object: inout JSONValue) -> [String] {
        var dropped: [String] = []
        Self.prune(&object, schema, path: "", resourceRoot: true, &dropped)
        return dropped.sorted()
    }

    private static func prune(
        _ value: inout JSONValue, _ schema: JSONValue?, path: String, resourceRoot: Bool,
        _ dropped: inout [String]
    ) {
        let preserving = schema?["x-kubernetes-preserve-unknown-fields"] == .bool(true)
        let embedded = resourceRoot || schema?["x-kubernetes-embedded-resource"] == .bool(true)
        switch value {
        case .object(let members):
            var kept: [(key: String, value: JSONValue)] = []
            for (key, member) in members {
                var member = member
                let memberPath = path.isEmpty ? key : "\(path).\(key)"
                if embedded, key == "apiVersion" || key == "kind" {
                    kept.append((key, member))
                } else if embedded, key == "metadata" {
                    pruneObjectMeta(&member, path: memberPath, &dropped)
                    kept.append((key, member))
                } else if let property = schema?["properties"]?[key] {
                    prune(&member, property, path: memberPath, resourceRoot: false, &dropped)
                    kept.append((key, member))
                } else if let additional = schema?["additionalProperties"], additional.members != nil {
                    prune(&member, additional, path: memberPath, resourceRoot: false, &dropped)
                    kept.append((key, member))
                } else if preserving || schema?["additionalProperties"] == .bool(true) {
                    kept.append((key, member))
                } else {
                    dropped.append(memberPath)
                }
            }
            value = .object(kept)
        case .array(var items):
            // Without an items schema only preserve-unknown-fields keeps an item's members.
            guard !(preserving && schema?["items"] == nil) else { return }
            for index in items.indices {
                prune(
                    &items[index], schema?["items"], path: "\(path)[\(index)]", resourceRoot: false, &dropped)
            }
            value = .array(items)
        default:
            return
        }
    }

    /// ObjectMeta keeps its own members; a client's others are unknown fields.
    private static func pruneObjectMeta(_ value: inout JSONValue, path: String, _ dropped: inout [String]) {
        guard case .object(let members) = value else { return }
        var kept: [(key: String, value: JSONValue)] = []
        for member in members {
            if objectMetaFields.contains(member.key) {
                kept.append(member)
            } else {
                dropped.append("\(path).\(member.key)")
            }
        }
        value = .object(kept)
    }
}
