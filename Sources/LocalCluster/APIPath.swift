/// What a request path names in the API.
enum APIPath: Equatable, Sendable {
    case version
    case coreVersions
    case groupList
    case group(String)
    case resourceList(group: String, version: String)
    /// A collection (`name` nil) or one object, in a namespace or (nil) across all of them.
    case resource(
        group: String, version: String, plural: String, namespace: String?, name: String?,
        subresource: String?)

    init?(_ path: String) {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map(String.init)
        // A trailing slash is tolerated; empty segments elsewhere are not.
        let segments = parts.last == "" ? Array(parts.dropLast()) : parts
        guard !segments.contains("") else { return nil }
        switch segments.first {
        case "version" where segments.count == 1: self = .version
        case "api":
            if segments.count == 1 {
                self = .coreVersions
                return
            }
            guard segments[1] == "v1" else { return nil }
            if segments.count == 2 {
                self = .resourceList(group: "", version: "v1")
                return
            }
            guard let resource = Self.resource(group: "", version: "v1", Array(segments[2...])) else {
                return nil
            }
            self = resource
        case "apis":
            switch segments.count {
            case 1: self = .groupList
            case 2: self = .group(segments[1])
            case 3: self = .resourceList(group: segments[1], version: segments[2])
            default:
                guard
                    let resource = Self.resource(
                        group: segments[1], version: segments[2], Array(segments[3...]))
                else { return nil }
                self = resource
            }
        default: return nil
        }
    }

    private static func resource(group: String, version: String, _ rest: [String]) -> APIPath? {
        // `namespaces/{name}/status` is the namespace's own subresource, not a collection.
        if rest.count >= 3, rest[0] == "namespaces",
            !(rest.count == 3 && group.isEmpty && ["status", "finalize"].contains(rest[2]))
        {
            guard rest.count <= 5 else { return nil }
            return .resource(
                group: group, version: version, plural: rest[2], namespace: rest[1],
                name: rest.count > 3 ? rest[3] : nil, subresource: rest.count > 4 ? rest[4] : nil)
        }
        guard rest.count <= 3 else { return nil }
        return .resource(
            group: group, version: version, plural: rest[0], namespace: nil,
            name: rest.count > 1 ? rest[1] : nil,
            subresource: rest.count > 2 ? rest[2] : nil)
    }
}
