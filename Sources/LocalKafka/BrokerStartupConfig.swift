import HTTPServer

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
        let protocols = Self.securityProtocols(properties["listener.security.protocol.map"])
        var listeners: [BrokerListenerEndpoint] = []
        for endpoint in advertised where !endpoint.host.isEmpty && endpoint.host != "0.0.0.0" {
            let port = bound.first { $0.name == endpoint.name }?.port ?? endpoint.port
            // Without a map Kafka takes a listener's name as its protocol.
            let isSSL = (protocols?[endpoint.name] ?? endpoint.name) == "SSL"
            listeners.append(
                BrokerListenerEndpoint(
                    name: endpoint.name, port: port, advertisedHost: endpoint.host,
                    advertisedPort: endpoint.port,
                    tls: isSSL ? try Self.tls(listener: endpoint.name, properties) : nil))
        }
        self.advertisedListeners = listeners
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

    /// `NAME:PROTOCOL,...`, nil when the key is not set.
    private static func securityProtocols(_ map: String?) -> [String: String]? {
        guard let map else { return nil }
        var protocols: [String: String] = [:]
        for entry in map.split(separator: ",") {
            let parts = entry.split(separator: ":", maxSplits: 1).map { $0.trimmed }
            if parts.count == 2 { protocols[parts[0]] = parts[1].uppercased() }
        }
        return protocols
    }

    /// An SSL listener's settings; `listener.name.<name>.ssl.*` wins over `ssl.*`, as in Kafka.
    private static func tls(listener: String, _ properties: [String: String]) throws(BrokerStartupConfigError)
        -> ListenerTLS
    {
        func setting(_ key: String) -> String? {
            (properties["listener.name.\(listener.lowercased()).\(key)"] ?? properties[key]).flatMap {
                $0.isEmpty ? nil : $0
            }
        }
        // Kafka's default store type is JKS; Java's JKS keystore also reads PKCS#12 files.
        func storeType(_ key: String) throws(BrokerStartupConfigError) -> String {
            let type = (setting(key) ?? "JKS").uppercased()
            guard ["PEM", "JKS", "PKCS12"].contains(type) else {
                throw .unsupportedStoreType(listener: listener, key: key, type: type)
            }
            return type
        }
        let keystore: ListenerTLS.Keystore
        if let location = setting("ssl.keystore.location") {
            if try storeType("ssl.keystore.type") == "PEM" {
                keystore = .file(location)
            } else {
                keystore = .java(location: location, password: setting("ssl.keystore.password") ?? "")
            }
        } else if try storeType("ssl.keystore.type") == "PEM",
            let chain = setting("ssl.keystore.certificate.chain"),
            let key = setting("ssl.keystore.key")
        {
            keystore = .inline(certificateChain: chain, privateKey: key)
        } else {
            throw .missingKeystore(listener: listener)
        }
        let truststore: ListenerTLS.Truststore?
        if let location = setting("ssl.truststore.location") {
            truststore =
                try storeType("ssl.truststore.type") == "PEM"
                ? .file(location)
                : .java(location: location, password: setting("ssl.truststore.password") ?? "")
        } else if let certificates = setting("ssl.truststore.certificates") {
            truststore = .inline(certificates)
        } else {
            truststore = nil
        }
        let clientAuth = setting("ssl.client.auth") ?? "none"
        guard let authentication = TLSClientAuthentication(rawValue: clientAuth.lowercased()) else {
            throw .invalidClientAuth(listener: listener, value: clientAuth)
        }
        return ListenerTLS(
            keystore: keystore, truststore: truststore, clientAuthentication: authentication,
            variables: KafkaConfigVariables(properties))
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
    /// Set when the listener's security protocol is SSL.
    public var tls: ListenerTLS?

    public init(
        name: String, port: Int32, advertisedHost: String, advertisedPort: Int32, tls: ListenerTLS? = nil
    ) {
        self.name = name
        self.port = port
        self.advertisedHost = advertisedHost
        self.advertisedPort = advertisedPort
        self.tls = tls
    }
}

/// Why a broker's `server.properties` cannot start it; the broker stays offline.
public enum BrokerStartupConfigError: Error, Equatable, Sendable, CustomStringConvertible {
    case missingBrokerID
    case invalidBrokerID(String)
    case noLogDirs
    case missingKeystore(listener: String)
    case unsupportedStoreType(listener: String, key: String, type: String)
    case invalidClientAuth(listener: String, value: String)

    public var description: String {
        switch self {
        case .missingBrokerID: "server.properties sets neither node.id nor broker.id"
        case .invalidBrokerID(let text):
            "server.properties has broker id \"\(text)\", not a non-negative integer"
        case .noLogDirs: "server.properties names no log directory in log.dirs"
        case .missingKeystore(let listener):
            "SSL listener \(listener) has neither ssl.keystore.location nor ssl.keystore.certificate.chain and ssl.keystore.key"
        case .unsupportedStoreType(let listener, let key, let type):
            "SSL listener \(listener) has \(key)=\(type), not PEM, JKS or PKCS12"
        case .invalidClientAuth(let listener, let value):
            "SSL listener \(listener) has ssl.client.auth=\(value), not required, requested or none"
        }
    }
}

extension StringProtocol {
    fileprivate var trimmed: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
