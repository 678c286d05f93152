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
        let root = Field(path: "", value: try Self.parse(body))
        let version = try root.member("version").string()
        guard version == "4" else { throw .unsupportedVersion(version) }
        let alertValues = try root.member("alerts").array()
        guard alertValues.count <= maxAlerts else {
            throw .tooManyAlerts(count: alertValues.count, limit: maxAlerts)
        }
        return AlertmanagerWebhook(
            version: version,
            status: try root.member("status").status(),
            receiver: try root.optionalMember("receiver")?.string() ?? "",
            groupKey: try root.optionalMember("groupKey")?.string() ?? "",
            truncatedAlerts: try root.optionalMember("truncatedAlerts")?.integer() ?? 0,
            alerts: try alertValues.map { alert throws(WebhookError) in
                let fingerprint = try alert.member("fingerprint").string()
                guard !fingerprint.isEmpty else { throw .missingField(alert.path + ".fingerprint") }
                return AlertmanagerWebhook.Alert(
                    status: try alert.member("status").status(),
                    labels: try alert.member("labels").stringMap(),
                    annotations: try alert.member("annotations").stringMap(),
                    startsAt: try alert.member("startsAt").string(),
                    fingerprint: fingerprint)
            })
    }

    /// Prometheus's own alert push (`POST /api/v2/alerts`): a JSON array of alerts with
    /// `labels`, `annotations`, `startsAt` and `endsAt`, no envelope and no fingerprint. The
    /// fingerprint is derived from the sorted labels, as Alertmanager does for its own, and an
    /// alert whose `endsAt` has passed counts as resolved.
    public func decodePrometheusPush(_ body: [UInt8], now: String? = nil) throws(WebhookError)
        -> [AlertmanagerWebhook.Alert]
    {
        let elements = try Field(path: "", value: try Self.parse(body)).array()
        guard elements.count <= maxAlerts else {
            throw .tooManyAlerts(count: elements.count, limit: maxAlerts)
        }
        return try elements.map { alert throws(WebhookError) in
            let labels = try alert.member("labels").stringMap()
            let endsAt = try alert.optionalMember("endsAt")?.string()
            let current = now ?? UTCTimestamp.now()
            let resolved = endsAt.map { !$0.isEmpty && !$0.hasPrefix("0001-") && $0 <= current } ?? false
            return AlertmanagerWebhook.Alert(
                status: resolved ? .resolved : .firing, labels: labels,
                annotations: try alert.optionalMember("annotations")?.stringMap() ?? [:],
                startsAt: try alert.optionalMember("startsAt")?.string() ?? "",
                fingerprint: LabelFingerprint.of(labels))
        }
    }

    private static func parse(_ body: [UInt8]) throws(WebhookError) -> JSONValue {
        guard !body.isEmpty else { throw .emptyBody }
        do {
            return try JSONReader.parse(body)
        } catch {
            throw .malformed(error.description)
        }
    }
}

/// A value in the payload with its path, so every error can say where it is.
private struct Field {
    let path: String
    let value: JSONValue

    private func child(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// The path as errors name it.
    private var name: String { path.isEmpty ? "the payload" : path }

    func optionalMember(_ key: String) throws(WebhookError) -> Field? {
        guard case .object = value else {
            throw .wrongType(
                path: name, expected: "an object", found: value.kind)
        }
        return value[key].map { Field(path: child(key), value: $0) }
    }

    func member(_ key: String) throws(WebhookError) -> Field {
        guard let field = try optionalMember(key) else { throw .missingField(child(key)) }
        return field
    }

    func string() throws(WebhookError) -> String {
        guard case .string(let string) = value else {
            throw .wrongType(path: name, expected: "a string", found: value.kind)
        }
        return string
    }

    func integer() throws(WebhookError) -> Int {
        guard case .number(let text) = value, let number = Int(text) else {
            throw .wrongType(path: name, expected: "an integer", found: value.kind)
        }
        return number
    }

    func status() throws(WebhookError) -> AlertStatus {
        let text = try string()
        guard let status = AlertStatus(rawValue: text) else { throw .invalidValue(path: name, value: text) }
        return status
    }

    func array() throws(WebhookError) -> [Field] {
        guard case .array(let elements) = value else {
            throw .wrongType(path: name, expected: "an array", found: value.kind)
        }
        return elements.enumerated().map { Field(path: "\(path)[\($0.offset)]", value: $0.element) }
    }

    func stringMap() throws(WebhookError) -> [String: String] {
        guard case .object(let members) = value else {
            throw .wrongType(path: name, expected: "an object", found: value.kind)
        }
        var map: [String: String] = [:]
        map.reserveCapacity(members.count)
        for member in members {
            guard case .string(let string) = member.value else {
                throw .wrongType(path: child(member.key), expected: "a string", found: member.value.kind)
            }
            map[member.key] = string
        }
        return map
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
