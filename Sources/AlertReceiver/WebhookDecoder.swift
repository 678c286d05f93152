#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Turns a webhook body into an `AlertmanagerWebhook`, or a `WebhookError` that says what is wrong.
public struct WebhookDecoder: Sendable {
    /// More alerts than this in one notification is refused: Alertmanager groups never get near it,
    /// and each alert may become an action.
    public var maxAlerts: Int

    public init(maxAlerts: Int = 1000) {
        self.maxAlerts = maxAlerts
    }

    public func decode(_ body: [UInt8]) throws(WebhookError) -> AlertmanagerWebhook {
        guard !body.isEmpty else { throw .emptyBody }
        let webhook: AlertmanagerWebhook
        do {
            webhook = try JSONDecoder().decode(AlertmanagerWebhook.self, from: Data(body))
        } catch let error as DecodingError {
            throw .malformed(WebhookError.describe(error))
        } catch {
            throw .malformed("\(error)")
        }
        guard webhook.version == "4" else { throw .unsupportedVersion(webhook.version) }
        guard webhook.alerts.count <= maxAlerts else {
            throw .tooManyAlerts(count: webhook.alerts.count, limit: maxAlerts)
        }
        for (index, alert) in webhook.alerts.enumerated() where alert.fingerprint.isEmpty {
            throw .missingField("alerts[\(index)].fingerprint")
        }
        return webhook
    }
}

/// Why a webhook body was refused. Every case is permanent: resending the same body cannot help.
public enum WebhookError: Error, Equatable, CustomStringConvertible {
    case emptyBody
    case malformed(String)
    case unsupportedVersion(String)
    case tooManyAlerts(count: Int, limit: Int)
    case missingField(String)

    public var description: String {
        switch self {
        case .emptyBody: return "the request body is empty; expected an Alertmanager webhook payload"
        case .malformed(let detail): return "the body is not an Alertmanager webhook payload: \(detail)"
        case .unsupportedVersion(let version):
            return "webhook payload version '\(version)' is not supported; expected version \"4\""
        case .tooManyAlerts(let count, let limit):
            return "the payload carries \(count) alerts, more than the limit of \(limit)"
        case .missingField(let path): return "\(path) is missing or empty"
        }
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let components = context.codingPath.map { key in
                key.intValue.map { "[\($0)]" } ?? ".\(key.stringValue)"
            }
            let joined = components.joined()
            if joined.isEmpty { return "the payload" }
            return joined.hasPrefix(".") ? String(joined.dropFirst()) : joined
        }
        switch error {
        case .keyNotFound(let key, let context):
            let parent = context.codingPath.isEmpty ? "" : path(context) + "."
            return "\(parent)\(key.stringValue) is missing"
        case .typeMismatch(let type, let context):
            return "\(path(context)) should be \(type)"
        case .valueNotFound(let type, let context):
            return "\(path(context)) should be \(type), found null"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "invalid JSON" : "\(path(context)) has an invalid value"
        @unknown default:
            return "invalid payload"
        }
    }
}
