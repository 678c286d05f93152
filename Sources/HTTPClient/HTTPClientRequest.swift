/// One HTTP request for a `CurlHTTPClient`: one attempt, no retries.
public struct HTTPClientRequest: Sendable {
    public var method: String
    /// Absolute, already escaped: `https://host:6443/api/v1/pods?limit=5`.
    public var url: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]?
    /// The bound on the whole transfer; nil for none (a watch).
    public var timeout: Duration?
    /// Ends the transfer when no byte arrives for this long; nil for never.
    public var idleTimeout: Duration?
    /// The most bytes of body collected; a longer answer fails with `.responseTooLarge` and
    /// is not read further. Nil for no bound. Lines handed to a stream are not counted.
    public var maxResponseBytes: Int?
    /// Opens a new connection instead of reusing a kept one. libcurl sends a request again by
    /// itself when a kept connection closes before any answer; a request that must never be
    /// sent twice asks for a fresh connection, which libcurl does not retry.
    public var freshConnection: Bool

    public init(
        method: String, url: String, headers: [(name: String, value: String)] = [], body: [UInt8]? = nil,
        timeout: Duration? = nil, idleTimeout: Duration? = nil, maxResponseBytes: Int? = nil,
        freshConnection: Bool = false
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.idleTimeout = idleTimeout
        self.maxResponseBytes = maxResponseBytes
        self.freshConnection = freshConnection
    }
}
