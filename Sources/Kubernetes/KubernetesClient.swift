import CCurl
import Logging

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The Kubernetes API over libcurl: HTTP/1.1 or HTTP/2 (negotiated by ALPN), TLS through
/// OpenSSL, connections kept and reused between calls.
///
/// Every call and watch is one libcurl transfer on the client's own thread (`CurlMulti`), so
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
    private let settings: CurlConnectionSettings
    private let share: CurlShare?
    /// Internal for the tests that watch its thread.
    let transfers: CurlMulti
    private let tokenFile: BearerTokenFile?
    private let clock: RetryClock
    private let limiter: TransferLimiter
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
        let endpoint = try ServerEndpoint(configuration.server)
        var connectTo: String?
        if let name = configuration.tlsServerName, name != endpoint.host {
            baseURL = endpoint.url(host: name)
            connectTo = "\(name):\(endpoint.port):\(endpoint.host):\(endpoint.port)"
        } else {
            baseURL = endpoint.url(host: endpoint.host)
        }
        settings = CurlConnectionSettings(
            certificateAuthority: try Self.read(configuration.certificateAuthority, "certificate authority"),
            clientCertificate: try Self.read(configuration.clientCertificate, "client certificate"),
            clientKey: try Self.read(configuration.clientKey, "client key"),
            insecureSkipTLSVerify: configuration.insecureSkipTLSVerify, connectTo: connectTo,
            connectTimeout: configuration.connectTimeout,
            reuseConnections: configuration.maxIdleConnections > 0)
        share = CurlShare()
        guard let transfers = CurlMulti(maxIdleConnections: configuration.maxIdleConnections) else {
            throw .transport("libcurl could not make a multi handle")
        }
        self.transfers = transfers
        limiter = TransferLimiter(limit: configuration.maxConcurrentRequests)
        if case .bearerTokenFile(let path) = configuration.credentials {
            tokenFile = BearerTokenFile(path: path)
        } else {
            tokenFile = nil
        }
    }

    public func send(_ request: APIRequest) async throws(KubernetesError) -> [UInt8] {
        let policy = configuration.retryPolicy
        let started = clock.now()
        var attempt = 1
        while true {
            let transfer = try prepare(request, watch: false)
            let outcome = await perform(transfer)
            let error: KubernetesError
            let retryable: Bool
            var retryAfter: Duration?
            switch outcome {
            case .success(let response) where response.isSuccess:
                return response.body
            case .success(let response):
                error = Self.error(for: response)
                retryable = Self.mayRetry(code: response.code, method: request.method)
                retryAfter = response.retryAfterSeconds.map { .seconds($0) }
            case .failure(let failure):
                if failure.wasCancelled || Task.isCancelled {
                    throw .cancelled("\(request.method) \(request.path)")
                }
                error = .transport("\(request.method) \(request.path): \(failure.message)")
                retryable =
                    failure.isConnectionFailure && (Self.isIdempotent(request.method) || !failure.requestSent)
            }
            guard retryable, attempt < policy.maxAttempts, !Task.isCancelled else { throw error }
            let delay = policy.delay(
                beforeRetry: attempt, retryAfter: retryAfter, jitter: Double.random(in: 0..<1))
            guard clock.now() - started + delay <= policy.budget else { throw error }
            logger.info(
                "retrying a Kubernetes API call",
                metadata: [
                    "method": "\(request.method)", "path": "\(request.path)", "attempt": "\(attempt + 1)",
                    "delay": "\(delay)", "error": "\(error)",
                ])
            do { try await clock.sleep(delay) } catch {
                throw .cancelled("\(request.method) \(request.path)")
            }
            attempt += 1
        }
    }

    public func stream(_ request: APIRequest) -> AsyncThrowingStream<[UInt8], any Error> {
        AsyncThrowingStream { continuation in
            let transfer: CurlRequest
            do { transfer = try prepare(request, watch: true) } catch {
                continuation.finish(throwing: error)
                return
            }
            let onLine: @Sendable ([UInt8]) -> Void = { continuation.yield($0) }
            guard let handle = CurlEasyHandle(transfer, settings: settings, share: share, onLine: onLine)
            else {
                continuation.finish(throwing: KubernetesError.transport("libcurl could not make a handle"))
                return
            }
            let control = transfers.makeControl()
            continuation.onTermination = { _ in control.cancel() }
            transfers.start(handle, control: control) { outcome in
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

    /// Runs one transfer when the limiter lets it; cancelling the task ends the transfer.
    private func perform(_ transfer: CurlRequest) async -> Result<CurlResponse, CurlFailure> {
        await limiter.acquire()
        let outcome = await performNow(transfer)
        await limiter.release()
        return outcome
    }

    private func performNow(_ transfer: CurlRequest) async -> Result<CurlResponse, CurlFailure> {
        guard let handle = CurlEasyHandle(transfer, settings: settings, share: share) else {
            return .failure(
                CurlFailure(
                    code: CURLE_FAILED_INIT, message: "libcurl could not make a handle", requestSent: false))
        }
        let control = transfers.makeControl()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                transfers.start(handle, control: control) { continuation.resume(returning: $0) }
            }
        } onCancel: {
            control.cancel()
        }
    }

    private func prepare(_ request: APIRequest, watch: Bool) throws(KubernetesError) -> CurlRequest {
        var headers = ["Accept: application/json", "User-Agent: \(configuration.userAgent)"]
        if request.body != nil {
            headers.append("Content-Type: \(request.contentType ?? "application/json")")
        }
        switch configuration.credentials {
        case .none: break
        case .bearerToken(let token): headers.append("Authorization: Bearer \(token)")
        case .bearerTokenFile:
            if let tokenFile { headers.append("Authorization: Bearer \(try tokenFile.current())") }
        case .basic(let username, let password):
            let encoded = Data("\(username):\(password)".utf8).base64EncodedString()
            headers.append("Authorization: Basic \(encoded)")
        }
        var url = baseURL + (request.path.hasPrefix("/") ? request.path : "/" + request.path)
        if !request.query.isEmpty {
            url +=
                "?"
                + request.query.map { "\(Self.escape($0.name))=\(Self.escape($0.value))" }
                .joined(separator: "&")
        }
        return CurlRequest(
            url: url, method: request.method, headers: headers, body: request.body,
            timeout: watch ? nil : (request.timeout ?? configuration.requestTimeout),
            idleTimeout: watch ? configuration.watchIdleTimeout : nil)
    }

    /// The answer's `Status`, or one made from its code and text when the body is not one.
    static func error(for response: CurlResponse) -> KubernetesError {
        var status: Status
        if let decoded = try? JSONDecoder().decode(Status.self, from: Data(response.body)),
            decoded.kind == "Status" || decoded.reason != nil || decoded.code != nil
        {
            status = decoded
        } else {
            let text = String(decoding: response.body.prefix(1024), as: UTF8.self)
            status = Status(
                code: response.code, reason: reason(forCode: response.code),
                message: text.isEmpty ? "the server answered \(response.code) without a body" : text)
        }
        if status.code == nil { status.code = response.code }
        return KubernetesError(
            code: response.code, status: status, retryAfterSeconds: response.retryAfterSeconds)
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

    /// Percent-encodes all but RFC 3986's unreserved characters.
    static func escape(_ text: String) -> String {
        var escaped = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                escaped.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".utf8)
                escaped += "%"
                escaped.unicodeScalars.append(Unicode.Scalar(hex[Int(byte >> 4)]))
                escaped.unicodeScalars.append(Unicode.Scalar(hex[Int(byte & 0xF)]))
            }
        }
        return escaped
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

/// The parts of a server URL the client needs: scheme, host, port and path prefix.
struct ServerEndpoint: Equatable, Sendable {
    var scheme: String
    /// As written in the URL: an IPv6 address keeps its brackets.
    var host: String
    var port: Int
    var prefix: String

    init(_ server: String) throws(KubernetesError) {
        guard let separator = server.firstRange(of: "://"),
            ["http", "https"].contains(server[..<separator.lowerBound].lowercased())
        else {
            throw .configuration("the server \(server) is not an http:// or https:// URL")
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
            guard let close = authority.firstIndex(of: "]") else {
                throw .configuration("the server \(server) has an unclosed IPv6 address")
            }
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
        guard !host.isEmpty, (1...65535).contains(port) else {
            throw .configuration("the server \(server) has no valid host and port")
        }
    }

    func url(host: String) -> String { "\(scheme)://\(host):\(port)\(prefix)" }
}
