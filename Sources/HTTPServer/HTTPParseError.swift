/// Why a request could not be parsed. Each case maps to the status the client gets; after any
/// of them the connection is closed, since the framing of what follows cannot be trusted.
public enum HTTPParseError: Error, Equatable, Sendable, CustomStringConvertible {
    case malformedRequestLine(String)
    case malformedHeader(String)
    case bareLineFeed
    case headTooLarge(limit: Int)
    case unsupportedVersion(String)
    case invalidTarget(String)
    case conflictingFraming(String)
    case invalidContentLength(String)
    case lengthRequired
    case unsupportedTransferCoding(String)
    case bodyTooLarge(limit: Int)
    case malformedChunk(String)

    public var status: HTTPStatus {
        switch self {
        case .headTooLarge: return .requestHeaderFieldsTooLarge
        case .unsupportedVersion: return .httpVersionNotSupported
        case .lengthRequired: return .lengthRequired
        case .unsupportedTransferCoding: return .notImplemented
        case .bodyTooLarge: return .contentTooLarge
        default: return .badRequest
        }
    }

    public var description: String {
        switch self {
        case .malformedRequestLine(let why): return "malformed request line: \(why)"
        case .malformedHeader(let why): return "malformed header field: \(why)"
        case .bareLineFeed: return "lines must end with CRLF, not a bare LF"
        case .headTooLarge(let limit): return "request line and headers exceed \(limit) bytes"
        case .unsupportedVersion(let version):
            return "HTTP version '\(version)' is not supported; use HTTP/1.1"
        case .invalidTarget(let why): return "invalid request target: \(why)"
        case .conflictingFraming(let why): return "conflicting message framing: \(why)"
        case .invalidContentLength(let value): return "invalid Content-Length '\(value)'"
        case .lengthRequired: return "a request with a body needs Content-Length or chunked Transfer-Encoding"
        case .unsupportedTransferCoding(let coding):
            return "transfer coding '\(coding)' is not supported; only chunked is"
        case .bodyTooLarge(let limit): return "request body exceeds the limit of \(limit) bytes"
        case .malformedChunk(let why): return "malformed chunked body: \(why)"
        }
    }
}
