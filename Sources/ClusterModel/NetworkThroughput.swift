import JSON

/// A broker's `networkConfig`: the network capacity Cruise Control plans with, in KB per second,
/// as Koperator names its fields.
public struct NetworkThroughput: Equatable, Sendable {
    public var incoming: String?
    public var outgoing: String?
    /// Why the value as written cannot be read, when it cannot.
    public var problem: String?

    public init(_ value: JSONValue?) {
        guard let value, value != .null else { return }
        guard case .object = value else {
            problem = "must be an object, not \(value.kind)"
            return
        }
        for (field, keyPath) in [
            ("incomingNetworkThroughPut", \NetworkThroughput.incoming),
            ("outgoingNetworkThroughPut", \NetworkThroughput.outgoing),
        ] {
            switch value[field] {
            case nil, .null: continue
            case .string(let text): self[keyPath: keyPath] = text
            case .number(let text): self[keyPath: keyPath] = text
            case let other?: problem = "\(field) must be a string, not \(other.kind)"
            }
        }
    }

    /// A plain non-negative decimal number, as Cruise Control reads a capacity.
    public static func isRate(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !(parts.first ?? "").isEmpty, text.count <= 20 else {
            return false
        }
        return parts.allSatisfy { part in !part.isEmpty && part.allSatisfy { $0.isASCII && $0.isNumber } }
    }
}
