/// Why a Kubernetes API call failed, decoded from the answer's `Status` where there was one.
public enum KubernetesError: Error, Equatable, Sendable, CustomStringConvertible {
    case notFound(Status)
    case alreadyExists(Status)
    /// A stale `resourceVersion` or a failed precondition: read again and retry.
    case conflict(Status)
    /// The object was refused; `causes` name the fields.
    case invalid(Status)
    case unauthorized(Status)
    case forbidden(Status)
    /// A watch or list asked for a `resourceVersion` the server no longer has: list again.
    case gone(Status)
    case tooManyRequests(Status, retryAfterSeconds: Int?)
    /// Another 4xx or a 5xx.
    case server(code: Int, Status)
    /// No answer: connection refused or reset, TLS failure, or the call's timeout passed.
    case transport(String)
    /// The calling task was cancelled before an answer came; names the call. Neither a
    /// failure of the API nor retryable: nobody is waiting for the answer.
    case cancelled(String)
    /// An answer the client could not read as the type it expected.
    case decoding(String)
    /// The kubeconfig or in-cluster environment is unusable.
    case configuration(String)

    /// Maps an HTTP status code and the body's `Status` to an error.
    public init(code: Int, status: Status, retryAfterSeconds: Int? = nil) {
        switch (code, status.reason) {
        case (404, _): self = .notFound(status)
        case (409, "AlreadyExists"): self = .alreadyExists(status)
        case (409, _): self = .conflict(status)
        case (422, _): self = .invalid(status)
        case (401, _): self = .unauthorized(status)
        case (403, _): self = .forbidden(status)
        case (410, _): self = .gone(status)
        case (429, _):
            self = .tooManyRequests(
                status, retryAfterSeconds: retryAfterSeconds ?? status.details?.retryAfterSeconds)
        default: self = .server(code: code, status)
        }
    }

    /// Whether sending the same request again may succeed: throttling, server errors and
    /// transport failures. A conflict needs a fresh read first, so it is not retryable as is.
    public var isRetryable: Bool {
        switch self {
        case .tooManyRequests, .transport: return true
        case .server(let code, _): return code >= 500
        default: return false
        }
    }

    /// The decoded `Status`, when the server sent one.
    public var status: Status? {
        switch self {
        case .notFound(let status), .alreadyExists(let status), .conflict(let status), .invalid(let status),
            .unauthorized(let status), .forbidden(let status), .gone(let status),
            .tooManyRequests(let status, _), .server(_, let status):
            return status
        case .transport, .cancelled, .decoding, .configuration: return nil
        }
    }

    public var description: String {
        switch self {
        case .transport(let why): return "the Kubernetes API could not be reached: \(why)"
        case .cancelled(let call): return "the call \(call) was cancelled"
        case .decoding(let why): return "the Kubernetes API's answer could not be read: \(why)"
        case .configuration(let why): return "the Kubernetes connection is misconfigured: \(why)"
        default:
            guard let status else { return "the Kubernetes API refused the request" }
            var text =
                "\(status.code.map(String.init) ?? "?") \(status.reason ?? "Failure"): \(status.message ?? "")"
            if let causes = status.details?.causes, !causes.isEmpty {
                text +=
                    " ("
                    + causes.map { "\($0.field ?? "?"): \($0.message ?? $0.reason ?? "")" }
                    .joined(separator: "; ") + ")"
            }
            return text
        }
    }
}
