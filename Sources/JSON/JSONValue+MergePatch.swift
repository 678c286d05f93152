extension JSONValue {
    /// This value with a JSON merge patch (RFC 7386) applied: objects merge member by member,
    /// `null` removes a member, and anything else (arrays included) replaces the value.
    public func applyingMergePatch(_ patch: JSONValue) -> JSONValue {
        guard case .object(let patchMembers) = patch else { return patch }
        var result: [(key: String, value: JSONValue)] = []
        if case .object(let members) = self { result = members }
        for (key, value) in patchMembers {
            let index = result.firstIndex { $0.key == key }
            if case .null = value {
                if let index { result.remove(at: index) }
                continue
            }
            let merged = (index.map { result[$0].value } ?? .null).applyingMergePatch(value)
            if let index { result[index].value = merged } else { result.append((key, merged)) }
        }
        return .object(result)
    }

    /// The JSON merge patch (RFC 7386) that turns this value into `target`, or nil when the two
    /// are equal: changed members of objects recursively, removed members as `null`, and any
    /// other changed value (arrays included) whole. A `null` inside `target` cannot be said in
    /// a merge patch; it is written as a removal.
    public func mergePatch(to target: JSONValue) -> JSONValue? {
        guard case .object(let current) = self, case .object(let wanted) = target else {
            return self == target ? nil : target
        }
        let currentByKey = Dictionary(
            current.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
        let wantedKeys = Set(wanted.map(\.key))
        var patch: [(key: String, value: JSONValue)] = []
        for (key, value) in wanted {
            if let old = currentByKey[key] {
                if let change = old.mergePatch(to: value) { patch.append((key, change)) }
            } else {
                patch.append((key, value))
            }
        }
        for (key, _) in current where !wantedKeys.contains(key) { patch.append((key, .null)) }
        return patch.isEmpty ? nil : .object(patch)
    }
}
