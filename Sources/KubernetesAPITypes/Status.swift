/// The API's answer to a failed request (`metav1.Status`), and to a successful delete.
public struct Status: Codable, Equatable, Sendable, Error {
    public var apiVersion: String? = "v1"
    public var kind: String? = "Status"
    public var metadata: ListMeta?
    /// `Success` or `Failure`.
    public var status: String?
    public var message: String?
    /// A `StatusReason`: `NotFound`, `AlreadyExists`, `Conflict`, `Invalid`, `Forbidden`, ...
    public var reason: String?
    public var details: Details?
    /// The HTTP status code.
    public var code: Int?

    public init(code: Int, reason: String, message: String, details: Details? = nil) {
        self.status = code < 300 ? "Success" : "Failure"
        self.code = code
        self.reason = reason
        self.message = message
        self.details = details
    }

    public struct Details: Codable, Equatable, Sendable {
        public var name: String?
        public var group: String?
        public var kind: String?
        public var uid: String?
        public var causes: [Cause]?
        /// Seconds a client should wait before retrying (also sent as `Retry-After`).
        public var retryAfterSeconds: Int?

        public init(name: String? = nil, group: String? = nil, kind: String? = nil, causes: [Cause]? = nil) {
            self.name = name
            self.group = group
            self.kind = kind
            self.causes = causes
        }
    }

    /// One reason a request was invalid: which field, and why.
    public struct Cause: Codable, Equatable, Sendable {
        /// `FieldValueRequired`, `FieldValueInvalid`, `FieldValueDuplicate`, ...
        public var reason: String?
        public var message: String?
        /// The field's JSON path, e.g. `metadata.name`.
        public var field: String?

        public init(reason: String?, message: String?, field: String?) {
            self.reason = reason
            self.message = message
            self.field = field
        }
    }
}
