/// What every transfer of one `CurlHTTPClient` shares: TLS, where connections go, the connect
/// timeout and the bounds on connections and calls.
public struct HTTPClientConfiguration: Equatable, Sendable {
    public var tls: TLSConfiguration
    /// Connections for the URL's host and port go to another socket instead; nil for none.
    public var route: ConnectionRoute?
    public var connectTimeout: Duration
    /// Idle connections kept for reuse; 0 closes each connection when its transfer ends.
    public var maxIdleConnections: Int
    /// Calls (`execute`) in flight at once; more wait their turn. Streams are not counted.
    public var maxConcurrentRequests: Int

    public init(
        tls: TLSConfiguration = TLSConfiguration(), route: ConnectionRoute? = nil,
        connectTimeout: Duration = .seconds(10), maxIdleConnections: Int = 8, maxConcurrentRequests: Int = 32
    ) {
        self.tls = tls
        self.route = route
        self.connectTimeout = connectTimeout
        self.maxIdleConnections = maxIdleConnections
        self.maxConcurrentRequests = maxConcurrentRequests
    }
}

/// How the client checks the server and proves itself: PEM bytes, handed to OpenSSL by libcurl.
public struct TLSConfiguration: Equatable, Sendable {
    /// The CA that signs the server's certificate; nil trusts the system's CAs.
    public var certificateAuthority: [UInt8]?
    public var clientCertificate: [UInt8]?
    public var clientKey: [UInt8]?
    /// Skips verifying the server's certificate. For test clusters only.
    public var insecureSkipVerify: Bool

    public init(
        certificateAuthority: [UInt8]? = nil, clientCertificate: [UInt8]? = nil, clientKey: [UInt8]? = nil,
        insecureSkipVerify: Bool = false
    ) {
        self.certificateAuthority = certificateAuthority
        self.clientCertificate = clientCertificate
        self.clientKey = clientKey
        self.insecureSkipVerify = insecureSkipVerify
    }
}

/// Sends the connections a URL names (`host`:`port`) to another socket, while the URL's host
/// still names the server everywhere else: the `Host` header, TLS's server name and the
/// certificate check. Local mode's loopback ports and a TLS server name other than the
/// address's both use it.
public struct ConnectionRoute: Equatable, Sendable {
    /// As written in the URL: an IPv6 address keeps its brackets.
    public var host: String
    public var port: Int
    public var connectHost: String
    public var connectPort: Int

    /// An IPv6 `connectHost` may be given with or without brackets.
    public init(host: String, port: Int, connectHost: String, connectPort: Int) {
        self.host = host
        self.port = port
        self.connectHost =
            connectHost.contains(":") && !connectHost.hasPrefix("[") ? "[\(connectHost)]" : connectHost
        self.connectPort = connectPort
    }

    /// libcurl's `CURLOPT_CONNECT_TO` entry.
    var curlEntry: String { "\(host):\(port):\(connectHost):\(connectPort)" }
}
