/// The parts of a server's base URL a client needs: scheme, host, port and path prefix
/// (`https://host:6443/prefix`, `http://[::1]:8090/kafkacruisecontrol`).
public struct ServerURL: Equatable, Sendable {
    /// Why a text is not a server URL; `description` completes "the server <url> ...".
    public enum Invalid: Error, Equatable, Sendable, CustomStringConvertible {
        case notHTTP
        case unclosedIPv6
        case noHostAndPort

        public var description: String {
            switch self {
            case .notHTTP: return "is not an http:// or https:// URL"
            case .unclosedIPv6: return "has an unclosed IPv6 address"
            case .noHostAndPort: return "has no valid host and port"
            }
        }
    }

    /// `http` or `https`.
    public var scheme: String
    /// As written in the URL: an IPv6 address keeps its brackets.
    public var host: String
    public var port: Int
    /// The path without a trailing slash; empty for none.
    public var prefix: String

    public init(_ server: String) throws(Invalid) {
        guard let separator = server.firstRange(of: "://"),
            ["http", "https"].contains(server[..<separator.lowerBound].lowercased())
        else {
            throw .notHTTP
        }
        scheme = server[..<separator.lowerBound].lowercased()
        let rest = server[separator.upperBound...]
        let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        let authority = String(rest[..<authorityEnd])
        var trimmed = String(rest[authorityEnd...])
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        prefix = trimmed
        let defaultPort = scheme == "https" ? 443 : 80
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw .unclosedIPv6 }
            host = String(authority[...close])
            let after = authority[authority.index(after: close)...]
            port = after.hasPrefix(":") ? Int(after.dropFirst()) ?? -1 : defaultPort
        } else if let colon = authority.lastIndex(of: ":") {
            host = String(authority[..<colon])
            port = Int(authority[authority.index(after: colon)...]) ?? -1
        } else {
            host = authority
            port = defaultPort
        }
        guard !host.isEmpty, (1...65535).contains(port) else { throw .noHostAndPort }
    }

    /// The host without IPv6 brackets, as DNS or a resolver names it.
    public var hostName: String {
        host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
    }

    /// The base URL with `host` in place of the URL's own.
    public func url(host: String) -> String { "\(scheme)://\(host):\(port)\(prefix)" }
}
