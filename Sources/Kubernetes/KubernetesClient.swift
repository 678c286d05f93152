import HTTPClient
import Logging

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The Kubernetes API over libcurl: HTTP/1.1 or HTTP/2 (negotiated by ALPN), TLS through
/// OpenSSL, connections kept and reused between calls.
///
/// Every call and watch is one libcurl transfer on the client's own thread (`CurlHTTPClient`), so
/// Swift's cooperative threads never block on I/O, and an idle client, open watches included,
/// does not wake. Connections are kept between calls, so a reconcile of hundreds of objects
/// pays one handshake, not hundreds.
///
/// `send` retries throttling (429), server errors (5xx except 501) and connection failures with
/// exponential backoff and jitter, honouring `Retry-After`, within `configuration.retryPolicy`.
/// A POST, which is not idempotent, is retried only on 429, 503 and failures before any byte of
/// the request went out. A create retried after a lost answer may therefore meet 409
/// AlreadyExists for the object it created itself: callers should read the object then, and
/// treat it as theirs when it matches. Likewise a retried DELETE may answer 404 NotFound.
///
/// ```swift
/// guard let configuration = try KubernetesClientConfiguration.detect() else {
///     // No kubeconfig and not in a pod: start the embedded cluster instead.
/// }
/// let client = try KubernetesClient(configuration: configuration)
/// let pods = try await client.list(Pod.self, namespace: "kafka", options: ListOptions(labelSelector: "app=kafka"))
/// ```
public final class KubernetesClient: KubernetesAPI {
    public let configuration: KubernetesClientConfiguration
    private let baseURL: String
    /// Internal for the tests that watch its thread.
    let transfers: CurlHTTPClient
    private let tokenFile: BearerTokenFile?
    private let clock: RetryClock
    private let logger: Logger

    /// Reads the configuration's certificate files now: a missing or unreadable one is a
    /// configuration error here rather than on the first call. Retries are logged to `logger`.
    public init(
        configuration: KubernetesClientConfiguration, clock: RetryClock = .continuous,
        logger: Logger = Logger(label: "kubernetes-client")
    ) throws(KubernetesError) {
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
        let endpoint: ServerURL
        do { endpoint = try ServerURL(configuration.server) } catch {
            throw .configuration("the server \(configuration.server) \(error)")
        }
        var route: ConnectionRoute?
        if let name = configuration.tlsServerName, name != endpoint.host {
            baseURL = endpoint.url(host: name)
            route = ConnectionRoute(
                host: name, port: endpoint.port, connectHost: endpoint.host, connectPort: endpoint.port)
        } else {
            baseURL = endpoint.url(host: endpoint.host)
        }
        let tls = TLSConfiguration(
            certificateAuthority: try Self.read(configuration.certificateAuthority, "certificate authority"),
            clientCertificate: try Self.read(configuration.clientCertificate, "client certificate"),
            clientKey: try Self.read(configuration.clientKey, "client key"),
            insecureSkipVerify: configuration.insecureSkipTLSVerify)
        guard
            let transfers = CurlHTTPClient(
                configuration: HTTPClientConfiguration(
                    tls: tls, route: route, connectTimeout: configuration.connectTimeout,
                    maxIdleConnections: configuration.maxIdleConnections,
                    maxConcurrentRequests: configuration.maxConcurrentRequests))
        else {
            throw .transport("libcurl could not make a multi handle")
        }
        self.transfers = transfers
        if case .bearerTokenFile(let path) = configuration.credentials {
            tokenFile = BearerTokenFile(path: path)
        } else {
            tokenFile = nil
        }
    }

    public func send(_ request: APIRequest) async throws(KubernetesError) -> [UInt8] {
        let call = "\(request.method) \(request.path)"
        return try await configuration.retryPolicy.run(
            clock: clock, cancelled: .cancelled(call),
            onRetry: { attempt, delay, error in
                logger.info(
                    "retrying a Kubernetes API call",
                    metadata: [
                        "method": "\(request.method)", "path": "\(request.path)", "attempt": "\(attempt)",
                        "delay": "\(delay)", "error": "\(error)",
                    ])
            },
            attempt: { _ throws(KubernetesError) in
                let transfer = try prepare(request, watch: false)
                switch await transfers.execute(transfer) {
                case .success(let response) where response.isSuccess:
                    return .success(response.body)
                case .success(let response):
                    let error = Self.error(for: response)
                    guard Self.mayRetry(code: response.status, method: request.method) else {
                        return .failure(error)
                    }
                    return .retryable(error, retryAfter: response.retryAfterSeconds.map { .seconds($0) })
                case .failure(let failure):
                    if failure.wasCancelled || Task.isCancelled { throw .cancelled(call) }
                    let error = KubernetesError.transport("\(call): \(failure.message)")
                    let retryable =
                        failure.isConnectionFailure
                        && (Self.isIdempotent(request.method) || !failure.requestSent)
                    return retryable ? .retryable(error, retryAfter: nil) : .failure(error)
                }
            })
    }

    public func stream(_ request: APIRequest) -> AsyncThrowingStream<[UInt8], any Error> {
        AsyncThrowingStream { continuation in
            let transfer: HTTPClientRequest
            do { transfer = try prepare(request, watch: true) } catch {
                continuation.finish(throwing: error)
                return
            }
            let control = transfers.makeControl()
            continuation.onTermination = { _ in control.cancel() }
            transfers.stream(transfer, control: control, onLine: { continuation.yield($0) }) {
                outcome in
                switch outcome {
                case .success(let response) where response.isSuccess:
                    continuation.finish()
                case .success(let response):
                    continuation.finish(throwing: Self.error(for: response))
                case .failure(let failure):
                    if failure.wasCancelled {
                        continuation.finish()
                    } else {
                        continuation.finish(
                            throwing: KubernetesError.transport("watch \(request.path): \(failure.message)"))
                    }
                }
            }
        }
    }

    private func prepare(_ request: APIRequest, watch: Bool) throws(KubernetesError) -> HTTPClientRequest {
        var headers: [(name: String, value: String)] = [
            ("Accept", "application/json"), ("User-Agent", configuration.userAgent),
        ]
        if request.body != nil {
            headers.append(("Content-Type", request.contentType ?? "application/json"))
        }
        switch configuration.credentials {
        case .none: break
        case .bearerToken(let token): headers.append(("Authorization", "Bearer \(token)"))
        case .bearerTokenFile:
            if let tokenFile { headers.append(("Authorization", "Bearer \(try tokenFile.current())")) }
        case .basic(let username, let password):
            let encoded = Data("\(username):\(password)".utf8).base64EncodedString()
            headers.append(("Authorization", "Basic \(encoded)"))
        }
        var url = baseURL + (request.path.hasPrefix("/") ? request.path : "/" + request.path)
        if !request.query.isEmpty { url += "?" + PercentEncoding.query(request.query) }
        return HTTPClientRequest(
            method: request.method, url: url, headers: headers, body: request.body,
            timeout: watch ? nil : (request.timeout ?? configuration.requestTimeout),
            idleTimeout: watch ? configuration.watchIdleTimeout : nil)
    }

    /// The answer's `Status`, or one made from its code and text when the body is not one.
    static func error(for response: HTTPClientResponse) -> KubernetesError {
        var status: Status
        if let decoded = try? JSONDecoder().decode(Status.self, from: Data(response.body)),
            decoded.kind == "Status" || decoded.reason != nil || decoded.code != nil
        {
            status = decoded
        } else {
            let text = String(decoding: response.body.prefix(1024), as: UTF8.self)
            status = Status(
                code: response.status, reason: reason(forCode: response.status),
                message: text.isEmpty ? "the server answered \(response.status) without a body" : text)
        }
        if status.code == nil { status.code = response.status }
        return KubernetesError(
            code: response.status, status: status, retryAfterSeconds: response.retryAfterSeconds)
    }

    static func mayRetry(code: Int, method: String) -> Bool {
        if isIdempotent(method) { return code == 429 || (code >= 500 && code != 501) }
        return code == 429 || code == 503
    }

    static func isIdempotent(_ method: String) -> Bool { method != "POST" }

    /// The API's `StatusReason` for a code, for answers that carry no `Status`.
    static func reason(forCode code: Int) -> String {
        switch code {
        case 400: return "BadRequest"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "NotFound"
        case 405: return "MethodNotAllowed"
        case 406: return "NotAcceptable"
        case 409: return "Conflict"
        case 410: return "Expired"
        case 413: return "RequestEntityTooLarge"
        case 415: return "UnsupportedMediaType"
        case 422: return "Invalid"
        case 429: return "TooManyRequests"
        case 500: return "InternalError"
        case 503: return "ServiceUnavailable"
        case 504: return "Timeout"
        default: return "Unknown"
        }
    }

    private static func read(_ source: KubernetesClientConfiguration.PEMSource?, _ what: String)
        throws(KubernetesError) -> [UInt8]?
    {
        switch source {
        case nil: return nil
        case .data(let bytes): return bytes
        case .file(let path):
            guard let contents = FileManager.default.contents(atPath: path) else {
                throw .configuration("the \(what) file \(path) cannot be read")
            }
            return Array(contents)
        }
    }
}
