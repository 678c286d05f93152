/// A request's line and header fields, parsed before its body arrives; the server decides from it
/// whether to send `100 Continue`, refuse the body, or dispatch the request.
public struct HTTPRequestHead: Sendable {
    public var method: HTTPMethod
    /// The request target exactly as sent.
    public var target: String
    /// The percent-decoded path of the target, without the query.
    public var path: String
    public var query: [(name: String, value: String)]
    public var version: HTTPVersion
    public var headers: HTTPHeaders
    /// Whether the connection may carry another request after this one.
    public var keepAlive: Bool
    /// What the client's `Expect` field asks for.
    public var expectation: Expectation
    /// Whether a body follows (a non-zero Content-Length, or chunked).
    public var hasBody: Bool

    public enum Expectation: Equatable, Sendable {
        case none
        case continueBeforeBody
        /// An expectation the server cannot meet: answered with 417.
        case unsupported(String)
    }
}
