/// A broker's host and port, as given in a bootstrap list or advertised in metadata.
public struct BrokerAddress: Sendable, Hashable, Codable, CustomStringConvertible {
    public var host: String
    public var port: UInt16

    public init(host: String, port: UInt16) {
        self.host = host
        self.port = port
    }

    /// Parses `host:port` (or `[ipv6]:port`).
    public init(parsing text: String) throws {
        let trimmed = text.trimmingSpaces()
        guard let colon = trimmed.lastIndex(of: ":") else { throw KafkaAdminError.invalidBootstrap(text) }
        var host = String(trimmed[..<colon])
        let portText = trimmed[trimmed.index(after: colon)...]
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, !host.contains(" "), let port = UInt16(portText), port != 0 else {
            throw KafkaAdminError.invalidBootstrap(text)
        }
        self.init(host: host, port: port)
    }

    /// Parses a comma-separated bootstrap list; empty entries are an error, not skipped.
    public static func parseList(_ text: String) throws -> [BrokerAddress] {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        guard !text.trimmingSpaces().isEmpty else { throw KafkaAdminError.invalidBootstrap(text) }
        return try parts.map { part in
            do { return try BrokerAddress(parsing: String(part)) } catch {
                throw KafkaAdminError.invalidBootstrap(text)
            }
        }
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

extension String {
    fileprivate func trimmingSpaces() -> Substring {
        var view = self[...]
        while let first = view.first, first == " " { view = view.dropFirst() }
        while let last = view.last, last == " " { view = view.dropLast() }
        return view
    }
}
