#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The credentials `POST /alerts` accepts, matching what Alertmanager's webhook `http_config`
/// can send: `authorization` (a bearer token) or `basic_auth`.
public struct WebhookCredentials: Sendable {
    var bearerTokens: [[UInt8]] = []
    var basicPairs: [[UInt8]] = []

    public init() {}

    /// Adds a bearer token (`Authorization: Bearer <token>`).
    public mutating func allowBearer(token: String) { bearerTokens.append(Array(token.utf8)) }

    /// Adds a basic-auth user and password (`Authorization: Basic base64(user:password)`).
    public mutating func allowBasic(username: String, password: String) {
        basicPairs.append(Array("\(username):\(password)".utf8))
    }

    /// No credentials configured: every request is accepted.
    public var isOpen: Bool { bearerTokens.isEmpty && basicPairs.isEmpty }

    /// Whether the `Authorization` header value carries one of the configured credentials.
    public func accepts(authorization: String?) -> Bool {
        if isOpen { return true }
        guard let authorization, let space = authorization.firstIndex(of: " ") else { return false }
        let scheme = authorization[..<space].lowercased()
        let value = authorization[authorization.index(after: space)...].drop { $0 == " " }
        switch scheme {
        case "bearer":
            let presented = Array(value.utf8)
            return bearerTokens.contains { constantTimeEquals($0, presented) }
        case "basic":
            guard let decoded = Data(base64Encoded: String(value)) else { return false }
            let presented = Array(decoded)
            return basicPairs.contains { constantTimeEquals($0, presented) }
        default:
            return false
        }
    }
}

/// Compares without an early exit on the first differing byte, so response timing does not
/// reveal how much of a guessed secret was right.
func constantTimeEquals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
    guard lhs.count == rhs.count else { return false }
    var difference: UInt8 = 0
    for index in lhs.indices { difference |= lhs[index] ^ rhs[index] }
    return difference == 0
}
