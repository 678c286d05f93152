/// Why the server could not start.
public enum HTTPServerError: Error, Equatable, Sendable, CustomStringConvertible {
    case cannotResolve(host: String, reason: String)
    case cannotBind(address: String, reason: String)
    case tls(String)
    case noListeners

    public var description: String {
        switch self {
        case .cannotResolve(let host, let reason): return "cannot resolve listen host '\(host)': \(reason)"
        case .cannotBind(let address, let reason): return "cannot listen on \(address): \(reason)"
        case .tls(let reason): return reason
        case .noListeners: return "no listen address configured"
        }
    }
}
