/// A label selector in the API's string form (`labelSelector=`): comma-separated requirements
/// `key`, `!key`, `key=value`, `key==value`, `key!=value`, `key in (a,b)`, `key notin (a,b)`,
/// `key>1`, `key<1`. All requirements must hold; an empty selector matches everything.
struct LabelSelector: Equatable, Sendable {
    enum Requirement: Equatable, Sendable {
        case exists(String)
        case doesNotExist(String)
        case equals(String, String)
        case notEquals(String, String)
        case isIn(String, Set<String>)
        case notIn(String, Set<String>)
        case greaterThan(String, Int)
        case lessThan(String, Int)
    }

    let requirements: [Requirement]

    static let everything = LabelSelector(requirements: [])

    init(requirements: [Requirement]) {
        self.requirements = requirements
    }

    init(parsing text: String) throws(SelectorError) {
        var requirements: [Requirement] = []
        let trimmed = Self.trim(Substring(text))
        if !trimmed.isEmpty {
            for part in try Self.splitTopLevel(trimmed) {
                requirements.append(try Self.requirement(Self.trim(part), in: text))
            }
        }
        self.requirements = requirements
    }

    func matches(_ labels: [String: String]) -> Bool {
        requirements.allSatisfy { requirement in
            switch requirement {
            case .exists(let key): return labels[key] != nil
            case .doesNotExist(let key): return labels[key] == nil
            case .equals(let key, let value): return labels[key] == value
            // As in the API, `!=` and `notin` also match objects without the label.
            case .notEquals(let key, let value): return labels[key] != value
            case .isIn(let key, let values): return labels[key].map(values.contains) ?? false
            case .notIn(let key, let values): return labels[key].map { !values.contains($0) } ?? true
            case .greaterThan(let key, let bound):
                return labels[key].flatMap { Int($0) }.map { $0 > bound } ?? false
            case .lessThan(let key, let bound):
                return labels[key].flatMap { Int($0) }.map { $0 < bound } ?? false
            }
        }
    }

    // MARK: - Parsing

    private static func splitTopLevel(_ text: Substring) throws(SelectorError) -> [Substring] {
        var parts: [Substring] = []
        var depth = 0
        var start = text.startIndex
        for index in text.indices {
            switch text[index] {
            case "(": depth += 1
            case ")":
                depth -= 1
                if depth < 0 { throw .invalid(String(text), "unbalanced ')'") }
            case "," where depth == 0:
                parts.append(text[start..<index])
                start = text.index(after: index)
            default: break
            }
        }
        if depth != 0 { throw .invalid(String(text), "unbalanced '('") }
        parts.append(text[start...])
        return parts
    }

    private static func requirement(_ part: Substring, in selector: String) throws(SelectorError)
        -> Requirement
    {
        if part.isEmpty { throw .invalid(selector, "found an empty requirement") }
        if part.hasPrefix("!") {
            let key = trim(part.dropFirst())
            try validateKey(key, in: selector)
            return .doesNotExist(String(key))
        }
        let keyEnd = part.firstIndex { !isKeyCharacter($0) } ?? part.endIndex
        let key = part[..<keyEnd]
        try validateKey(key, in: selector)
        let rest = trim(part[keyEnd...])
        if rest.isEmpty { return .exists(String(key)) }
        for (symbol, make) in [
            ("==", Requirement.equals), ("!=", Requirement.notEquals), ("=", Requirement.equals),
        ] as [(String, (String, String) -> Requirement)] where rest.hasPrefix(symbol) {
            let value = trim(rest.dropFirst(symbol.count))
            try validateValue(value, in: selector)
            return make(String(key), String(value))
        }
        if rest.hasPrefix(">") || rest.hasPrefix("<") {
            guard let bound = Int(trim(rest.dropFirst())) else {
                throw .invalid(selector, "for 'Gt', 'Lt' operators, the value must be an integer")
            }
            return rest.hasPrefix(">") ? .greaterThan(String(key), bound) : .lessThan(String(key), bound)
        }
        for (word, isIn) in [("notin", false), ("in", true)] where rest.hasPrefix(word) {
            let list = trim(rest.dropFirst(word.count))
            guard list.hasPrefix("("), list.hasSuffix(")"), list.count >= 2 else {
                throw .invalid(selector, "expected '(' and ')' around the values of '\(word)'")
            }
            var values: Set<String> = []
            for value in list.dropFirst().dropLast().split(separator: ",", omittingEmptySubsequences: false) {
                let trimmedValue = trim(value)
                try validateValue(trimmedValue, in: selector)
                values.insert(String(trimmedValue))
            }
            if values == [""] && trim(list.dropFirst().dropLast()).isEmpty {
                throw .invalid(selector, "for 'in', 'notin' operators, values set can't be empty")
            }
            return isIn ? .isIn(String(key), values) : .notIn(String(key), values)
        }
        throw .invalid(selector, "found '\(rest)', expected: '=', '!=', '==', 'in', 'notin'")
    }

    private static func isKeyCharacter(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || "-_./".contains(character))
    }

    /// A qualified name: an optional DNS subdomain prefix and `/`, then a name of at most 63
    /// characters that starts and ends alphanumeric.
    static func validateKey(_ key: Substring, in selector: String) throws(SelectorError) {
        let parts = key.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { throw .invalid(selector, "key '\(key)' has more than one '/'") }
        if parts.count == 2 {
            guard !parts[0].isEmpty, NameValidation.subdomainProblem(String(parts[0])) == nil else {
                throw .invalid(selector, "the prefix of key '\(key)' must be a DNS subdomain")
            }
        }
        let name = parts.last ?? ""
        guard !name.isEmpty, name.count <= 63, isQualifiedNamePart(name) else {
            throw .invalid(
                selector,
                "key '\(key)' must be at most 63 characters of alphanumerics, '-', '_' or '.', "
                    + "starting and ending with an alphanumeric")
        }
    }

    static func validateValue(_ value: Substring, in selector: String) throws(SelectorError) {
        guard value.isEmpty || (value.count <= 63 && isQualifiedNamePart(value)) else {
            throw .invalid(
                selector,
                "value '\(value)' must be empty or at most 63 characters of alphanumerics, '-', '_' or '.', "
                    + "starting and ending with an alphanumeric")
        }
    }

    private static func isQualifiedNamePart(_ text: Substring) -> Bool {
        guard let first = text.first, let last = text.last else { return false }
        func alphanumeric(_ character: Character) -> Bool {
            character.isASCII && (character.isLetter || character.isNumber)
        }
        return alphanumeric(first) && alphanumeric(last)
            && text.allSatisfy { alphanumeric($0) || $0 == "-" || $0 == "_" || $0 == "." }
    }

    static func trim(_ text: Substring) -> Substring {
        var result = text
        while let first = result.first, first == " " || first == "\t" { result.removeFirst() }
        while let last = result.last, last == " " || last == "\t" { result.removeLast() }
        return result
    }
}

/// A selector that cannot be parsed; the API answers it with 400 Bad Request.
enum SelectorError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalid(String, String)
    case unsupportedField(String, resource: String)

    var description: String {
        switch self {
        case .invalid(let selector, let why): return "unable to parse requirement in '\(selector)': \(why)"
        case .unsupportedField(let field, let resource):
            return "field label not supported: \(field) (for \(resource))"
        }
    }
}
