/// Why a JSON patch (RFC 6902) could not be read or applied.
public enum JSONPatchError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The patch document is not an array of operations, or an operation lacks a member.
    case malformed(String)
    /// An operation names a path that does not exist, or whose parent cannot take it.
    case inapplicable(String)
    /// A `test` operation found another value.
    case testFailed(path: String)

    public var description: String {
        switch self {
        case .malformed(let why): return why
        case .inapplicable(let why): return why
        case .testFailed(let path): return "testing value \(path) failed"
        }
    }
}

extension JSONValue {
    /// This value with a JSON patch (RFC 6902) applied: its operations in order, each on the
    /// result of the one before, the whole patch failing on the first that cannot apply.
    public func applyingJSONPatch(_ patch: JSONValue) throws(JSONPatchError) -> JSONValue {
        guard case .array(let operations) = patch else {
            throw .malformed("a JSON patch must be an array of operations")
        }
        var document = self
        for operation in operations {
            guard case .object = operation, let name = Self.string(operation["op"]) else {
                throw .malformed("every operation needs an \"op\" string")
            }
            let path = try Self.pointer(operation, "path")
            switch name {
            case "add":
                document = try document.adding(try Self.value(operation, name), at: path[...])
            case "remove":
                document = try document.removing(at: path[...]).document
            case "replace":
                let value = try Self.value(operation, name)
                document =
                    path.isEmpty
                    ? value : try document.removing(at: path[...]).document.adding(value, at: path[...])
            case "move":
                let from = try Self.pointer(operation, "from")
                if path.starts(with: from) && path.count > from.count {
                    throw .inapplicable("cannot move \(Self.text(from)) into one of its own children")
                }
                let (rest, moved) = try document.removing(at: from[...])
                document = try rest.adding(moved, at: path[...])
            case "copy":
                let from = try Self.pointer(operation, "from")
                document = try document.adding(try document.value(at: from[...]), at: path[...])
            case "test":
                let expected = try Self.value(operation, name)
                guard try document.value(at: path[...]) == expected else {
                    throw .testFailed(path: Self.text(path))
                }
            default:
                throw .malformed("unknown operation \"\(name)\"")
            }
        }
        return document
    }

    // MARK: - Reading an operation

    private static func string(_ value: JSONValue?) -> String? {
        if case .string(let text)? = value { return text }
        return nil
    }

    private static func value(_ operation: JSONValue, _ name: String) throws(JSONPatchError) -> JSONValue {
        guard let value = operation["value"] else {
            throw .malformed("the \"\(name)\" operation needs a \"value\"")
        }
        return value
    }

    /// A JSON pointer (RFC 6901) as its reference tokens: `/a/b~1c` is `["a", "b/c"]`.
    private static func pointer(_ operation: JSONValue, _ member: String) throws(JSONPatchError) -> [String] {
        guard let text = Self.string(operation[member]) else {
            throw .malformed("the operation needs a \"\(member)\" string")
        }
        if text.isEmpty { return [] }
        guard text.hasPrefix("/") else { throw .malformed("the pointer \"\(text)\" does not start with /") }
        var tokens: [String] = []
        for part in text.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            var token = ""
            var escaped = false
            for character in part {
                if escaped {
                    switch character {
                    case "0": token.append("~")
                    case "1": token.append("/")
                    default: throw .malformed("the pointer \"\(text)\" has an invalid escape ~\(character)")
                    }
                    escaped = false
                } else if character == "~" {
                    escaped = true
                } else {
                    token.append(character)
                }
            }
            if escaped { throw .malformed("the pointer \"\(text)\" ends with ~") }
            tokens.append(token)
        }
        return tokens
    }

    private static func text(_ tokens: [String]) -> String {
        tokens.map { token in
            "/"
                + token.flatMap { character -> [Character] in
                    switch character {
                    case "~": return ["~", "0"]
                    case "/": return ["~", "1"]
                    default: return [character]
                    }
                }
        }.joined()
    }

    /// An array index as RFC 6901 writes it: digits without a leading zero.
    private static func index(_ token: String, count: Int, allowEnd: Bool) throws(JSONPatchError) -> Int {
        if allowEnd && token == "-" { return count }
        guard let index = Int(token), index >= 0, String(index) == token,
            index < count || (allowEnd && index == count)
        else {
            throw .inapplicable("array index \"\(token)\" is out of range")
        }
        return index
    }

    // MARK: - Walking the document

    private func value(at tokens: ArraySlice<String>) throws(JSONPatchError) -> JSONValue {
        guard let token = tokens.first else { return self }
        switch self {
        case .object:
            guard let child = self[token] else { throw .inapplicable("no member \"\(token)\"") }
            return try child.value(at: tokens.dropFirst())
        case .array(let items):
            return try items[Self.index(token, count: items.count, allowEnd: false)].value(
                at: tokens.dropFirst())
        default:
            throw .inapplicable("\"\(token)\" names a member of a value that has none")
        }
    }

    private func adding(_ value: JSONValue, at tokens: ArraySlice<String>) throws(JSONPatchError) -> JSONValue
    {
        guard let token = tokens.first else { return value }
        let last = tokens.count == 1
        switch self {
        case .object(var members):
            let index = members.firstIndex { $0.key == token }
            if last {
                if let index { members[index].value = value } else { members.append((token, value)) }
            } else {
                guard let index else { throw .inapplicable("no member \"\(token)\"") }
                members[index].value = try members[index].value.adding(value, at: tokens.dropFirst())
            }
            return .object(members)
        case .array(var items):
            let index = try Self.index(token, count: items.count, allowEnd: last)
            if last {
                items.insert(value, at: index)
            } else {
                items[index] = try items[index].adding(value, at: tokens.dropFirst())
            }
            return .array(items)
        default:
            throw .inapplicable("\"\(token)\" names a member of a value that has none")
        }
    }

    private func removing(at tokens: ArraySlice<String>) throws(JSONPatchError)
        -> (document: JSONValue, removed: JSONValue)
    {
        guard let token = tokens.first else { throw .inapplicable("the whole document cannot be removed") }
        let last = tokens.count == 1
        switch self {
        case .object(var members):
            guard let index = members.firstIndex(where: { $0.key == token }) else {
                throw .inapplicable("no member \"\(token)\"")
            }
            if last {
                let removed = members.remove(at: index).value
                return (.object(members), removed)
            }
            let (child, removed) = try members[index].value.removing(at: tokens.dropFirst())
            members[index].value = child
            return (.object(members), removed)
        case .array(var items):
            let index = try Self.index(token, count: items.count, allowEnd: false)
            if last {
                let removed = items.remove(at: index)
                return (.array(items), removed)
            }
            let (child, removed) = try items[index].removing(at: tokens.dropFirst())
            items[index] = child
            return (.array(items), removed)
        default:
            throw .inapplicable("\"\(token)\" names a member of a value that has none")
        }
    }
}
