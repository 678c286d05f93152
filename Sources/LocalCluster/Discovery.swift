import JSON

/// The discovery documents kubectl and client libraries read to learn what the server serves:
/// `/version`, `/api`, `/apis`, `/apis/{group}` and each group version's resource list.
struct Discovery: Sendable {
    let registry: ResourceRegistry
    let serverAddress: String

    var version: JSONValue {
        .object([
            ("major", .string("1")), ("minor", .string("37")), ("emulationMajor", .string("1")),
            ("emulationMinor", .string("37")), ("gitVersion", .string("v1.37.0-local")),
            ("gitCommit", .string("local")), ("gitTreeState", .string("clean")),
            ("buildDate", .string("2026-01-01T00:00:00Z")), ("goVersion", .string("go1.25")),
            ("compiler", .string("gc")), ("platform", .string("linux/amd64")),
        ])
    }

    var coreVersions: JSONValue {
        .object([
            ("kind", .string("APIVersions")), ("versions", .array([.string("v1")])),
            (
                "serverAddressByClientCIDRs",
                .array([
                    .object([("clientCIDR", .string("0.0.0.0/0")), ("serverAddress", .string(serverAddress))])
                ])
            ),
        ])
    }

    var groupList: JSONValue {
        .object([
            ("kind", .string("APIGroupList")), ("apiVersion", .string("v1")),
            ("groups", .array(groups.map { group($0.name, versions: $0.versions) })),
        ])
    }

    /// The stored resources' groups, then the review APIs' groups.
    private var groups: [(name: String, versions: [String])] {
        var groups = registry.groups
        for review in ReviewResources.all where !groups.contains(where: { $0.name == review.group }) {
            groups.append((review.group, [review.version]))
        }
        return groups
    }

    func group(named name: String) -> JSONValue? {
        guard let entry = groups.first(where: { $0.name == name }) else { return nil }
        var document = group(entry.name, versions: entry.versions)
        document.set(["kind"], .string("APIGroup"))
        document.set(["apiVersion"], .string("v1"))
        return document
    }

    private func group(_ name: String, versions: [String]) -> JSONValue {
        let entries = versions.map { version in
            JSONValue.object([("groupVersion", .string("\(name)/\(version)")), ("version", .string(version))])
        }
        return .object([
            ("name", .string(name)), ("versions", .array(entries)), ("preferredVersion", entries[0]),
        ])
    }

    func resourceList(group: String, version: String) -> JSONValue? {
        let definitions = registry.resources(group: group, version: version)
        let reviews = ReviewResources.all.filter { $0.group == group && $0.version == version }
        guard !definitions.isEmpty || !reviews.isEmpty else { return nil }
        var resources: [JSONValue] = reviews.map(ReviewResources.discoveryEntry)
        for definition in definitions {
            var members: [(key: String, value: JSONValue)] = [
                ("name", .string(definition.plural)), ("singularName", .string(definition.singularName)),
                ("namespaced", .bool(definition.namespaced)), ("kind", .string(definition.kind)),
                ("verbs", .array(ResourceDefinition.verbs.map { .string($0) })),
            ]
            if !definition.shortNames.isEmpty {
                members.append(("shortNames", .array(definition.shortNames.map { .string($0) })))
            }
            if !definition.categories.isEmpty {
                members.append(("categories", .array(definition.categories.map { .string($0) })))
            }
            resources.append(.object(members))
            if definition.hasStatus {
                resources.append(
                    .object([
                        ("name", .string("\(definition.plural)/status")), ("singularName", .string("")),
                        ("namespaced", .bool(definition.namespaced)), ("kind", .string(definition.kind)),
                        ("verbs", .array([.string("get"), .string("patch"), .string("update")])),
                    ]))
            }
            for subresource in Subresources.served(by: definition) {
                var entry: [(key: String, value: JSONValue)] = [
                    ("name", .string("\(definition.plural)/\(subresource.name)")),
                    ("singularName", .string("")),
                    ("namespaced", .bool(definition.namespaced)), ("kind", .string(subresource.kind)),
                    ("verbs", .array(subresource.verbs.map { .string($0) })),
                ]
                if let group = subresource.group {
                    entry.append(("group", .string(group)))
                    entry.append(("version", .string("v1")))
                }
                resources.append(.object(entry))
            }
        }
        return .object([
            ("kind", .string("APIResourceList")), ("apiVersion", .string("v1")),
            ("groupVersion", .string(group.isEmpty ? version : "\(group)/\(version)")),
            ("resources", .array(resources)),
        ])
    }
}
