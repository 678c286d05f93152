/// The messages of the built-in kinds as `ProtobufFieldTable` describes them: for each field its
/// number, its JSON name, its type and how the Go type writes it to JSON, which is what the API
/// server answers and stores after reading a protobuf body.
struct ProtobufSchema: Sendable {
    indirect enum FieldType: Sendable, Equatable {
        case string
        case bytes
        case bool
        case int32
        case int64
        /// A message, by its table name (`core.v1.PodSpec`, `meta.v1.Time`).
        case message(String)
        /// A repeated field.
        case list(FieldType)
        /// A Go slice type as a map's value (`map[string]ExtraValue`): one message of a
        /// repeated field 1, whose JSON is the list.
        case wrappedList(FieldType)
        /// A map: repeated entries of key 1 and value 2. Keys are strings in every kind served.
        case map(FieldType)

        /// The wire types a field of this type may arrive in: varints, or length-delimited
        /// (strings, bytes, messages, map entries, packed varints).
        var wireTypes: Set<Int> {
            switch self {
            case .bool, .int32, .int64: return [0]
            case .list(let element):
                return element == .bool || element == .int32 || element == .int64 ? [0, 2] : [2]
            default: return [2]
            }
        }
    }

    struct Field: Sendable {
        let number: Int
        let name: String
        let type: FieldType
        /// `omitempty` on a scalar, list or map, `omitzero` on a struct: left out when zero.
        let omittedWhenZero: Bool
        /// A Go pointer: in the JSON only when sent.
        let pointer: Bool
        /// An embedded Go struct: its members are the parent's.
        let inline: Bool
    }

    struct Message: Sendable {
        let name: String
        /// In the Go type's order, which is the order of its JSON members.
        let fields: [Field]
        let byNumber: [Int: Int]

        func field(_ number: Int) -> Field? { byNumber[number].map { fields[$0] } }
    }

    let messages: [String: Message]

    /// The table the local cluster ships with, read once.
    static let builtIn = ProtobufSchema(table: ProtobufFieldTable.text)

    /// Reads the table: a message's name at the start of a line, its fields on the indented
    /// lines after it. A line that does not read is left out, so a message missing a field
    /// treats it as unknown; the schema's tests read every line.
    init(table: String) {
        var messages: [String: Message] = [:]
        var name: String?
        var fields: [Field] = []
        func finish() {
            guard let name else { return }
            var byNumber: [Int: Int] = [:]
            for (index, field) in fields.enumerated() { byNumber[field.number] = index }
            messages[name] = Message(name: name, fields: fields, byNumber: byNumber)
        }
        for line in table.split(separator: "\n") {
            if line.first == " " {
                fields += line.split(separator: " ").compactMap(Self.field)
            } else {
                finish()
                name = String(line)
                fields = []
            }
        }
        finish()
        self.messages = messages
    }

    /// The message of a kind: `v1` `ConfigMap` is `core.v1.ConfigMap`, `apps/v1` `Deployment`
    /// is `apps.v1.Deployment`, `rbac.authorization.k8s.io/v1` `Role` is `rbac.v1.Role`.
    func message(apiVersion: String, kind: String) -> Message? {
        let parts = apiVersion.split(separator: "/", omittingEmptySubsequences: false)
        let group: Substring
        let version: Substring
        switch parts.count {
        case 1: (group, version) = ("core", parts[0])
        case 2: (group, version) = (parts[0].split(separator: ".").first ?? "", parts[1])
        default: return nil
        }
        guard !group.isEmpty, !version.isEmpty, !kind.isEmpty else { return nil }
        return messages["\(group).\(version).\(kind)"]
    }

    /// `name=3:int32?` → the field.
    static func field(_ text: Substring) -> Field? {
        guard let equals = text.firstIndex(of: "="),
            let colon = text[equals...].firstIndex(of: ":"),
            let number = Int(text[text.index(after: equals)..<colon])
        else { return nil }
        var typeText = text[text.index(after: colon)...]
        var flags = Set<Character>()
        while let last = typeText.last, "?*!".contains(last) {
            flags.insert(last)
            typeText = typeText.dropLast()
        }
        guard let type = fieldType(typeText, inMap: false) else { return nil }
        return Field(
            number: number, name: String(text[..<equals]), type: type, omittedWhenZero: flags.contains("?"),
            pointer: flags.contains("*"), inline: flags.contains("!"))
    }

    private static func fieldType(_ text: Substring, inMap: Bool) -> FieldType? {
        switch text {
        case "string": return .string
        case "bytes": return .bytes
        case "bool": return .bool
        case "int32": return .int32
        case "int64": return .int64
        default: break
        }
        if text.hasPrefix("["), text.hasSuffix("]") {
            guard let element = fieldType(text.dropFirst().dropLast(), inMap: false) else { return nil }
            return inMap ? .wrappedList(element) : .list(element)
        }
        if text.hasPrefix("{string:"), text.hasSuffix("}") {
            return fieldType(text.dropFirst("{string:".count).dropLast(), inMap: true).map { .map($0) }
        }
        guard text.contains("."), text.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." }) else {
            return nil
        }
        return .message(String(text))
    }
}
