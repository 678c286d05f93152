import JSON
import KubernetesAPITypes

/// Kubernetes' strategic merge patch, for the built-in kinds the local cluster serves: a JSON
/// merge patch, except that the lists the API types mark `patchStrategy: merge` merge item by
/// item on their merge key (containers by `name`, ports by `containerPort`...) or, for lists of
/// strings such as finalizers, as a set; and the directives `$patch` (`replace`, `delete`,
/// `merge`), `$setElementOrder/<list>`, `$retainKeys` and `$deleteFromPrimitiveList/<list>`.
/// Custom resources have no such schema: the API server refuses the patch type for them
/// (`schema(for:)` is nil), as the real one does.
struct StrategicMergePatch: Sendable {
    /// How a list field merges; lists not named here are replaced whole, as in a merge patch.
    enum ListStrategy: Equatable, Sendable {
        case byKey(String)
        case asSet
    }

    struct Failure: Error, Equatable, CustomStringConvertible {
        let description: String
    }

    /// List strategies by field path (names joined with dots; list levels add nothing).
    let lists: [String: ListStrategy]

    /// The built-in kind's strategies, or nil for a kind without a strategic schema.
    static func schema(for type: ResourceType) -> StrategicMergePatch? {
        let metadata = objectMeta("metadata")
        let conditions = ["status.conditions": ListStrategy.byKey("type")]
        let lists: [String: ListStrategy]
        switch type {
        case .pods:
            lists = podSpec("spec").merging(conditions) { $1 }.merging([
                "status.podIPs": .byKey("ip"), "status.hostIPs": .byKey("ip"),
            ]) { $1 }
        case .deployments:
            lists = podSpec("spec.template.spec").merging(objectMeta("spec.template.metadata")) { $1 }
                .merging(conditions) { $1 }
        case .services:
            lists = ["spec.ports": .byKey("port")].merging(conditions) { $1 }
        case .persistentVolumeClaims, .podDisruptionBudgets, .namespaces:
            lists = conditions
        case .serviceAccounts:
            lists = ["secrets": .byKey("name"), "imagePullSecrets": .byKey("name")]
        case .configMaps, .secrets, .events, .storageClasses, .leases, .clusterRoles, .clusterRoleBindings,
            .roles,
            .roleBindings, .customResourceDefinitions:
            lists = [:]
        default:
            return nil
        }
        return StrategicMergePatch(lists: lists.merging(metadata) { $1 })
    }

    private static func objectMeta(_ prefix: String) -> [String: ListStrategy] {
        ["\(prefix).finalizers": .asSet, "\(prefix).ownerReferences": .byKey("uid")]
    }

    private static func podSpec(_ prefix: String) -> [String: ListStrategy] {
        var lists: [String: ListStrategy] = [
            "\(prefix).volumes": .byKey("name"), "\(prefix).imagePullSecrets": .byKey("name"),
            "\(prefix).hostAliases": .byKey("ip"),
            "\(prefix).topologySpreadConstraints": .byKey("topologyKey"),
            "\(prefix).resourceClaims": .byKey("name"), "\(prefix).schedulingGates": .byKey("name"),
        ]
        for containers in ["containers", "initContainers", "ephemeralContainers"] {
            let container = "\(prefix).\(containers)"
            lists[container] = .byKey("name")
            lists["\(container).ports"] = .byKey("containerPort")
            lists["\(container).env"] = .byKey("name")
            lists["\(container).volumeMounts"] = .byKey("mountPath")
            lists["\(container).volumeDevices"] = .byKey("devicePath")
        }
        return lists
    }

    // MARK: - Applying

    /// `original` with `patch` applied.
    func apply(_ patch: JSONValue, to original: JSONValue) throws(Failure) -> JSONValue {
        guard case .object = patch else {
            throw Failure(description: "a strategic merge patch must be a JSON object")
        }
        return try mergeMap(original, patch, path: "") ?? .object([])
    }

    private static let setOrderPrefix = "$setElementOrder/"
    private static let deletePrefix = "$deleteFromPrimitiveList/"

    /// Merges a map; nil when the patch deletes it (`$patch: delete`).
    private func mergeMap(_ original: JSONValue?, _ patch: JSONValue, path: String) throws(Failure)
        -> JSONValue?
    {
        guard case .object(let patchMembers) = patch else { return patch }
        switch patch["$patch"]?.stringValue {
        case nil, "merge": break
        case "replace": return try strip(patch, path: path)
        case "delete": return nil
        case let other?: throw Failure(description: "unknown patch type: \(other) in map: \(path)")
        }
        var members: [(key: String, value: JSONValue)] = []
        if case .object(let existing)? = original { members = existing }
        for (key, value) in patchMembers where !key.hasPrefix("$") {
            let childPath = path.isEmpty ? key : "\(path).\(key)"
            let index = members.firstIndex { $0.key == key }
            let merged: JSONValue?
            switch value {
            case .null:
                merged = nil
            case .object:
                merged = try mergeMap(index.map { members[$0].value }, value, path: childPath)
            case .array(let items):
                merged = try mergeList(index.map { members[$0].value }, items, path: childPath)
            default:
                merged = value
            }
            if let merged {
                if let index { members[index].value = merged } else { members.append((key, merged)) }
            } else if let index {
                members.remove(at: index)
            }
        }
        for (key, value) in patchMembers where key.hasPrefix(Self.deletePrefix) {
            let field = String(key.dropFirst(Self.deletePrefix.count))
            guard case .array(let removed) = value else {
                throw Failure(description: "\(key) must be a list of values")
            }
            if let index = members.firstIndex(where: { $0.key == field }),
                case .array(let items) = members[index].value
            {
                members[index].value = .array(items.filter { !removed.contains($0) })
            }
        }
        for (key, value) in patchMembers where key.hasPrefix(Self.setOrderPrefix) {
            let field = String(key.dropFirst(Self.setOrderPrefix.count))
            guard case .array(let order) = value else { throw Failure(description: "\(key) must be a list") }
            if let index = members.firstIndex(where: { $0.key == field }),
                case .array(let items) = members[index].value
            {
                let childPath = path.isEmpty ? field : "\(path).\(field)"
                members[index].value = .array(ordered(items, by: order, path: childPath))
            }
        }
        if let retained = patch["$retainKeys"] {
            guard case .array(let keys) = retained else {
                throw Failure(description: "$retainKeys must be a list")
            }
            let names = Set(keys.compactMap(\.stringValue))
            members.removeAll { !names.contains($0.key) }
        }
        return .object(members)
    }

    private func mergeList(_ original: JSONValue?, _ patch: [JSONValue], path: String) throws(Failure)
        -> JSONValue
    {
        var items: [JSONValue] = []
        if case .array(let existing)? = original { items = existing }
        switch lists[path] {
        case nil:
            return .array(try patch.map { item throws(Failure) in try strip(item, path: path) })
        case .asSet:
            for value in patch where !items.contains(value) { items.append(value) }
            return .array(items)
        case .byKey(let key):
            if patch.contains(where: { $0["$patch"]?.stringValue == "replace" }) {
                return .array(
                    try patch.filter { $0["$patch"]?.stringValue != "replace" }.map { item throws(Failure) in
                        try strip(item, path: path)
                    })
            }
            for item in patch {
                guard case .object = item, let wanted = item[key] else {
                    throw Failure(
                        description:
                            "map: \(String(decoding: item.encoded(), as: UTF8.self)) does not contain declared merge key: \(key)"
                    )
                }
                let index = items.firstIndex { $0[key] == wanted }
                if item["$patch"]?.stringValue == "delete" {
                    items.removeAll { $0[key] == wanted }
                } else if let index {
                    items[index] = try mergeMap(items[index], item, path: path) ?? items[index]
                } else if let added = try mergeMap(nil, item, path: path) {
                    items.append(added)
                }
            }
            return .array(items)
        }
    }

    /// The items in the order `$setElementOrder` gives (by merge key, or by value for a set);
    /// items it does not name follow in the order they had.
    private func ordered(_ items: [JSONValue], by order: [JSONValue], path: String) -> [JSONValue] {
        func identity(_ item: JSONValue) -> JSONValue? {
            if case .byKey(let key)? = lists[path] { return item[key] }
            return item
        }
        var rest = items
        var result: [JSONValue] = []
        for entry in order {
            guard let wanted = identity(entry), let index = rest.firstIndex(where: { identity($0) == wanted })
            else { continue }
            result.append(rest.remove(at: index))
        }
        return result + rest
    }

    /// A patch value with its directives taken out, for where it replaces rather than merges.
    private func strip(_ value: JSONValue, path: String) throws(Failure) -> JSONValue {
        switch value {
        case .object(let members):
            var kept: [(key: String, value: JSONValue)] = []
            for (key, child) in members where !key.hasPrefix("$") {
                kept.append((key, try strip(child, path: path.isEmpty ? key : "\(path).\(key)")))
            }
            return .object(kept)
        case .array(let items):
            return .array(try items.map { item throws(Failure) in try strip(item, path: path) })
        default:
            return value
        }
    }
}
