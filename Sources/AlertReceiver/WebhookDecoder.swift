import ClusterModel
import JSON

/// Turns a webhook body into an `AlertmanagerWebhook`, or a `WebhookError` that names the field.
public struct WebhookDecoder: Sendable {
    /// More alerts than this in one notification is refused: Alertmanager groups never get near it,
    /// and each alert may become an action.
    public var maxAlerts: Int

    public init(maxAlerts: Int = 1000) {
        self.maxAlerts = maxAlerts
    }

    public func decode(_ body: [UInt8]) throws(WebhookError) -> AlertmanagerWebhook {
        try Self.scan(body) { scanner throws(JSONReaderError) in
            try WebhookEnvelope.read(&scanner, maxAlerts: maxAlerts)
        }.required("the payload").webhook()
    }

    /// Prometheus's own alert push (`POST /api/v2/alerts`): a JSON array of alerts with
    /// `labels`, `annotations`, `startsAt` and `endsAt`, no envelope and no fingerprint. The
    /// fingerprint is derived from the sorted labels, as Alertmanager does for its own, and an
    /// alert whose `endsAt` has passed counts as resolved.
    public func decodePrometheusPush(_ body: [UInt8], now: String? = nil) throws(WebhookError)
        -> [AlertmanagerWebhook.Alert]
    {
        let alerts = try Self.scan(body) { scanner throws(JSONReaderError) in
            try AlertFields.readList(&scanner, name: "the payload", prefix: "", maxAlerts: maxAlerts)
        }.required("the payload")
        let current = now ?? UTCTimestamp.now()
        return try alerts.enumerated().map { position, alert throws(WebhookError) in
            try alert.required("[\(position)]").pushedAlert(path: "[\(position)]", now: current)
        }
    }

    /// Reads the body in one pass into the types it holds, with no JSON tree in between: the
    /// decode is most of a notification's cost. Errors in the JSON itself come first.
    private static func scan<Value>(
        _ body: [UInt8], _ read: (inout JSONScanner) throws(JSONReaderError) -> FieldRead<Value>
    ) throws(WebhookError) -> FieldRead<Value> {
        guard !body.isEmpty else { throw .emptyBody }
        do {
            return try JSONScanner.scan(body, read)
        } catch {
            throw .malformed(error.description)
        }
    }
}

/// Why a webhook body was refused. Every case is permanent: resending the same body cannot help.
public enum WebhookError: Error, Equatable, CustomStringConvertible {
    case emptyBody
    case malformed(String)
    case unsupportedVersion(String)
    case tooManyAlerts(count: Int, limit: Int)
    case missingField(String)
    case wrongType(path: String, expected: String, found: String)
    case invalidValue(path: String, value: String)

    public var description: String {
        switch self {
        case .emptyBody: return "the request body is empty; expected an Alertmanager webhook payload"
        case .malformed(let detail): return "the body is not JSON: \(detail)"
        case .unsupportedVersion(let version):
            return "webhook payload version '\(version.prefix(32))' is not supported; expected version \"4\""
        case .tooManyAlerts(let count, let limit):
            return "the payload carries \(count) alerts, more than the limit of \(limit)"
        case .missingField(let path): return "\(path) is missing or empty"
        case .wrongType(let path, let expected, let found):
            return "\(path) should be \(expected), not \(found)"
        case .invalidValue(let path, let value):
            return "\(path) is '\(value.prefix(32))'; expected \"firing\" or \"resolved\""
        }
    }
}
