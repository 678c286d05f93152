/// The body Alertmanager posts to a webhook receiver (payload version "4").
///
/// Tolerant of fields the operator does not use (they are ignored), strict about the ones it does:
/// `version`, `status`, and per alert `status`, `labels`, `annotations`, `startsAt`, `fingerprint`.
public struct AlertmanagerWebhook: Sendable, Equatable {
    public var version: String
    public var status: AlertStatus
    public var receiver: String
    public var groupKey: String
    /// How many alerts Alertmanager left out because of the receiver's `max_alerts`.
    public var truncatedAlerts: Int
    public var alerts: [Alert]

    public struct Alert: Sendable, Equatable {
        public var status: AlertStatus
        public var labels: [String: String]
        public var annotations: [String: String]
        /// RFC 3339 as sent; together with `fingerprint` it identifies one firing of an alert.
        public var startsAt: String
        public var fingerprint: String
        /// RFC 3339 as sent, when sent: when the sender considers the alert resolved unless it
        /// is sent again.
        public var endsAt: String? = nil
    }
}

/// Whether an alert is firing or resolved.
public enum AlertStatus: String, Sendable {
    case firing
    case resolved
}
