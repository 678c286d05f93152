import JSON

extension JSONValue {
    /// The text of a string value.
    var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// The items of an array value.
    var items: [JSONValue]? {
        if case .array(let items) = self { return items }
        return nil
    }

    /// The members of an object value.
    var members: [(key: String, value: JSONValue)]? {
        if case .object(let members) = self { return members }
        return nil
    }

    /// The value at a path of object keys.
    func value(at path: [String]) -> JSONValue? {
        var current = self
        for key in path {
            guard let next = current[key] else { return nil }
            current = next
        }
        return current
    }

    /// Sets (or, with nil, removes) the member at a path of object keys, creating objects on
    /// the way. A non-object on the way is replaced by an object.
    mutating func set(_ path: [String], _ newValue: JSONValue?) {
        guard let key = path.first else {
            self = newValue ?? .null
            return
        }
        var members = self.members ?? []
        let index = members.firstIndex { $0.key == key }
        if path.count == 1 {
            switch (index, newValue) {
            case (let index?, let value?): members[index].value = value
            case (let index?, nil): members.remove(at: index)
            case (nil, let value?): members.append((key, value))
            case (nil, nil): break
            }
        } else {
            var child = index.map { members[$0].value } ?? .object([])
            if child.members == nil { child = .object([]) }
            child.set(Array(path.dropFirst()), newValue)
            if let index { members[index].value = child } else { members.append((key, child)) }
        }
        self = .object(members)
    }

    /// A string-to-string map such as `metadata.labels`; other members are skipped.
    var stringMap: [String: String] {
        var map: [String: String] = [:]
        for (key, value) in members ?? [] { if let text = value.stringValue { map[key] = text } }
        return map
    }

    /// The object without the given top-level members: what counts as the spec for `generation`.
    func removingMembers(_ keys: Set<String>) -> JSONValue {
        guard let members else { return self }
        return .object(members.filter { !keys.contains($0.key) })
    }

    static func string(_ text: String?) -> JSONValue { text.map { .string($0) } ?? .null }

    static func integer(_ value: Int) -> JSONValue { .number(String(value)) }
}
