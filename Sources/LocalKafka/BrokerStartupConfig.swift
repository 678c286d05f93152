/// What a simulated broker reads from its `server.properties` when its pod starts: its id,
/// the address it advertises, its log directories, and every static setting as written.
public struct BrokerStartupConfig: Equatable, Sendable {
    public var brokerID: Int32
    /// The host of the first advertised listener (Kafka's default: the first `listeners` one).
    public var advertisedHost: String?
    /// Every listener in `advertised.listeners`, in order, with the port `listeners` binds it to.
    public var advertisedListeners: [BrokerListenerEndpoint]
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
        let bound = Self.endpoints(properties["listeners"] ?? "")
        let advertised = Self.endpoints(properties["advertised.listeners"] ?? properties["listeners"] ?? "")
        self.brokerID = id
        self.advertisedHost = advertised.first.flatMap {
            $0.host.isEmpty || $0.host == "0.0.0.0" ? nil : $0.host
        }
        self.advertisedListeners = advertised.compactMap { endpoint in
            guard !endpoint.host.isEmpty, endpoint.host != "0.0.0.0" else { return nil }
            let port = bound.first { $0.name == endpoint.name }?.port ?? endpoint.port
            return BrokerListenerEndpoint(
                name: endpoint.name, port: port, advertisedHost: endpoint.host, advertisedPort: endpoint.port)
        }
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

    /// `NAME://host:port,...` → each entry's name, host (empty for `NAME://:port`) and port;
    /// an entry that is not of that form is left out, as Kafka would refuse to start on it.
    private static func endpoints(_ listeners: String) -> [(name: String, host: String, port: Int32)] {
        listeners.split(separator: ",").compactMap { entry in
            let entry = String(entry).trimmed
            guard let colon = entry.firstIndex(of: ":"), entry[colon...].hasPrefix("://") else { return nil }
            let name = String(entry[..<colon])
            let address = entry[entry.index(colon, offsetBy: 3)...]
            guard !name.isEmpty, let colon = address.lastIndex(of: ":"),
                let port = Int32(address[address.index(after: colon)...])
            else { return nil }
            var host = String(address[..<colon])
            if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            return (name, host, port)
        }
    }
}

/// One listener a broker advertises: the container port `listeners` binds it to, and the
/// address clients that connect through it are told (Kafka answers each listener's Metadata
/// with every broker's address on that same listener).
public struct BrokerListenerEndpoint: Equatable, Sendable {
    public var name: String
    public var port: Int32
    public var advertisedHost: String
    public var advertisedPort: Int32

    public init(name: String, port: Int32, advertisedHost: String, advertisedPort: Int32) {
        self.name = name
        self.port = port
        self.advertisedHost = advertisedHost
        self.advertisedPort = advertisedPort
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
