/// A complete answer, whatever its status code.
public struct HTTPClientResponse: Sendable {
    public var status: Int
    /// The final answer's header fields in the order they came, names as sent.
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public var isSuccess: Bool { (200..<300).contains(status) }

    /// The first field called `name`, compared without case.
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }

    /// `Retry-After` in seconds, when the server sent it in that form (the HTTP-date form is
    /// not read).
    public var retryAfterSeconds: Int? {
        header("Retry-After").flatMap { Int($0.filter { !$0.isWhitespace }) }.map { max(0, $0) }
    }
}
