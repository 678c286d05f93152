import CCurl

/// A transfer that got no complete answer.
public struct HTTPTransferError: Error, Sendable, CustomStringConvertible {
    public enum Reason: Equatable, Sendable {
        /// The caller cancelled it, or the client went away.
        case cancelled
        /// The transfer's timeout passed, or it was silent past its idle timeout.
        case timedOut
        /// No connection: the name did not resolve, or the connection was refused.
        case couldNotConnect
        /// The connection broke, or closed without (a complete) answer.
        case connectionLost
        /// The TLS handshake failed: the server's certificate was refused, or ours.
        case tls
        /// The body passed `HTTPClientRequest.maxResponseBytes`.
        case responseTooLarge(limit: Int)
        /// Anything else libcurl reports (its `CURLcode`).
        case other(code: Int)
    }

    public var reason: Reason
    /// libcurl's words, or ours for what the client ended itself.
    public var message: String
    /// Whether any byte of the request went out; when not, even a POST may be sent again.
    public var requestSent: Bool

    public init(reason: Reason, message: String, requestSent: Bool) {
        self.reason = reason
        self.message = message
        self.requestSent = requestSent
    }

    init(code: CURLcode, message: String, requestSent: Bool) {
        self.init(reason: Self.reason(for: code), message: message, requestSent: requestSent)
    }

    public var wasCancelled: Bool { reason == .cancelled }

    /// Failures of the connection rather than of the configuration: worth another attempt.
    public var isConnectionFailure: Bool {
        switch reason {
        case .timedOut, .couldNotConnect, .connectionLost: return true
        default: return false
        }
    }

    public var description: String { message }

    private static func reason(for code: CURLcode) -> Reason {
        switch code {
        case CURLE_ABORTED_BY_CALLBACK: return .cancelled
        case CURLE_OPERATION_TIMEDOUT: return .timedOut
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_CONNECT: return .couldNotConnect
        case CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE, CURLE_HTTP2,
            CURLE_HTTP2_STREAM:
            return .connectionLost
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM,
            CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CIPHER, CURLE_SSL_ISSUER_ERROR,
            CURLE_SSL_PINNEDPUBKEYNOTMATCH,
            CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CLIENTCERT:
            return .tls
        default: return .other(code: Int(code.rawValue))
        }
    }
}
