import JSON

/// JSON Merge Patch (RFC 7386): objects merge member by member, `null` removes a member, and
/// anything else (arrays included) replaces the target.
enum MergePatch {
    static func apply(_ patch: JSONValue, to target: JSONValue) -> JSONValue {
        guard case .object(let patchMembers) = patch else { return patch }
        var result = target.members ?? []
        for (key, value) in patchMembers {
            let index = result.firstIndex { $0.key == key }
            if case .null = value {
                if let index { result.remove(at: index) }
                continue
            }
            let merged = apply(value, to: index.map { result[$0].value } ?? .null)
            if let index { result[index].value = merged } else { result.append((key, merged)) }
        }
        return .object(result)
    }
}
