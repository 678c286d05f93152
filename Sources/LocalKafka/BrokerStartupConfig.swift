/// What a simulated broker reads from its `server.properties` when its pod starts: its id,
/// the address it advertises, its log directories, and every static setting as written.
public struct BrokerStartupConfig: Equatable, Sendable {
    public var brokerID: Int32
    /// The host of the first advertised listener (Kafka's default: the first `listeners` one).
    public var advertisedHost: String?
    /// `log.dirs` (or `log.dir`) in order; Kafka's default when neither is set.
    public var logDirs: [String]
    /// Every `key=value` of the file, as static configuration.
    public var properties: [String: String]

    /// Parses a properties file as Kafka reads it (Java `Properties`: `=`, `:` or a space
    /// separates key and value, `#` and `!` start comments, a trailing `\` continues a line).
    public init(parsing text: String) throws(BrokerStartupConfigError) {
        let properties = Self.properties(text)
        guard let idText = properties["node.id"] ?? properties["broker.id"] else { throw .missingBrokerID }
        guard let id = Int32(idText), id >= 0 else { throw .invalidBrokerID(idText) }
        let dirs = (properties["log.dirs"] ?? properties["log.dir"] ?? "/tmp/kafka-logs")
            .split(separator: ",").map { String($0).trimmed }.filter { !$0.isEmpty }
        guard !dirs.isEmpty else { throw .noLogDirs }
        let listeners = properties["advertised.listeners"] ?? properties["listeners"] ?? ""
        self.brokerID = id
        self.advertisedHost = Self.firstHost(listeners)
        self.logDirs = dirs
        self.properties = properties
    }

    static func properties(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        var pending = ""
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            var line = Substring(rawLine)
            if pending.isEmpty {
                line = line.drop { $0 == " " || $0 == "\t" }
                if line.first == "#" || line.first == "!" { continue }
            } else {
                line = line.drop { $0 == " " || $0 == "\t" }
            }
            if line.hasSuffix("\\") {
                pending += line.dropLast()
                continue
            }
            let entry = pending + line
            pending = ""
            guard !entry.trimmed.isEmpty else { continue }
            let separator = entry.firstIndex { $0 == "=" || $0 == ":" || $0 == " " } ?? entry.endIndex
            let key = String(entry[..<separator]).trimmed
            var value = entry[separator...].drop { $0 == " " }
            if value.first == "=" || value.first == ":" { value = value.dropFirst() }
            result[key] = String(value).trimmed
        }
        return result
    }

    /// `NAME://host:port,...` → the first host (nil for an empty or wildcard host).
    private static func firstHost(_ listeners: String) -> String? {
        guard let first = listeners.split(separator: ",").first else { return nil }
        let parts = first.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].hasSuffix(":"), parts[1].isEmpty else { return nil }
        let address = parts[2]
        guard let colon = address.lastIndex(of: ":") else { return nil }
        let host = String(address[..<colon]).trimmed
        return host.isEmpty || host == "0.0.0.0" ? nil : host
    }
}

/// Why a broker's `server.properties` cannot start it; the broker stays offline.
public enum BrokerStartupConfigError: Error, Equatable, Sendable, CustomStringConvertible {
    case missingBrokerID
    case invalidBrokerID(String)
    case noLogDirs

    public var description: String {
        switch self {
        case .missingBrokerID: "server.properties sets neither node.id nor broker.id"
        case .invalidBrokerID(let text):
            "server.properties has broker id \"\(text)\", not a non-negative integer"
        case .noLogDirs: "server.properties names no log directory in log.dirs"
        }
    }
}

extension StringProtocol {
    fileprivate var trimmed: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
