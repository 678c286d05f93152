/// One call to the API server.
public struct APIRequest: Sendable {
    public var method: String
    /// The path, already escaped: `/api/v1/namespaces/kafka/pods`.
    public var path: String
    public var query: [(name: String, value: String)]
    public var body: [UInt8]?
    /// The body's media type: `application/json`, or a patch type's.
    public var contentType: String?
    /// Overrides the client's default timeout for this call.
    public var timeout: Duration?

    public init(
        method: String, path: String, query: [(name: String, value: String)] = [], body: [UInt8]? = nil,
        contentType: String? = nil, timeout: Duration? = nil
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.body = body
        self.contentType = contentType
        self.timeout = timeout
    }
}

/// The seam to a Kubernetes API server: the real one through `KubernetesClient`, or the embedded
/// LocalCluster, which speaks the same REST API.
///
/// Two primitives carry every operation; the typed operations (get, list, create, update, patch,
/// delete, the status subresource, watch) are built on them in extensions.
public protocol KubernetesAPI: Sendable {
    /// Sends one request and returns the 2xx answer's body. Retries throttling, server errors
    /// and transport failures with backoff, within the client's bound; any other non-2xx
    /// answer throws its decoded `Status`.
    func send(_ request: APIRequest) async throws(KubernetesError) -> [UInt8]

    /// Opens a watch (`request` carries `watch=true`) and yields each event's JSON object as it
    /// arrives. The stream finishes when the server ends the watch, and throws when the
    /// connection fails or the server refuses it.
    func stream(_ request: APIRequest) -> AsyncThrowingStream<[UInt8], any Error>
}
