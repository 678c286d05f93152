import HTTPClient

/// Where the API server is and how to authenticate to it: built from a kubeconfig
/// (`KubeConfig`), from a pod's service account (`inCluster`), or by hand.
public struct KubernetesClientConfiguration: Equatable, Sendable {
    /// PEM bytes, or a file holding them (read when the client is made).
    public enum PEMSource: Equatable, Sendable {
        case data([UInt8])
        case file(String)
    }

    /// How requests authenticate, besides a client certificate.
    public enum Credentials: Equatable, Sendable {
        case none
        case bearerToken(String)
        /// A token file, read again whenever it changes: service-account tokens rotate.
        case bearerTokenFile(String)
        case basic(username: String, password: String)
    }

    /// `https://host:port`, optionally with a path prefix; no trailing slash needed.
    public var server: String
    /// The CA that signs the server's certificate; nil trusts the system's CAs.
    public var certificateAuthority: PEMSource?
    public var clientCertificate: PEMSource?
    public var clientKey: PEMSource?
    public var credentials: Credentials
    /// Skips verifying the server's certificate. For test clusters only.
    public var insecureSkipTLSVerify: Bool
    /// The name to verify the server's certificate against (and send as SNI) instead of the
    /// server URL's host. The connection still goes to the URL's host; the `Host` header
    /// carries this name, which the API server does not check.
    public var tlsServerName: String?
    /// The namespace of the kubeconfig context or the pod; `default` otherwise.
    public var namespace: String
    public var connectTimeout: Duration
    /// The default bound on one attempt of one call; `APIRequest.timeout` overrides it.
    public var requestTimeout: Duration
    /// A watch has no total timeout; it is ended when no byte arrives for this long (nil: never).
    /// Watches asking for bookmarks or a `timeoutSeconds` below it are not cut.
    public var watchIdleTimeout: Duration?
    public var retryPolicy: RetryPolicy
    public var userAgent: String
    /// Idle connections kept for reuse.
    public var maxIdleConnections: Int
    /// Calls in flight at once (watches not counted); more wait their turn.
    public var maxConcurrentRequests: Int

    public static let defaultUserAgent = "kafka-operator/0.1.0"

    public init(
        server: String, certificateAuthority: PEMSource? = nil, clientCertificate: PEMSource? = nil,
        clientKey: PEMSource? = nil, credentials: Credentials = .none, insecureSkipTLSVerify: Bool = false,
        tlsServerName: String? = nil, namespace: String = "default", connectTimeout: Duration = .seconds(10),
        requestTimeout: Duration = .seconds(30), watchIdleTimeout: Duration? = .seconds(600),
        retryPolicy: RetryPolicy = .standard, userAgent: String = Self.defaultUserAgent,
        maxIdleConnections: Int = 8, maxConcurrentRequests: Int = 32
    ) {
        self.server = server
        self.certificateAuthority = certificateAuthority
        self.clientCertificate = clientCertificate
        self.clientKey = clientKey
        self.credentials = credentials
        self.insecureSkipTLSVerify = insecureSkipTLSVerify
        self.tlsServerName = tlsServerName
        self.namespace = namespace
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
        self.watchIdleTimeout = watchIdleTimeout
        self.retryPolicy = retryPolicy
        self.userAgent = userAgent
        self.maxIdleConnections = maxIdleConnections
        self.maxConcurrentRequests = maxConcurrentRequests
    }
}
