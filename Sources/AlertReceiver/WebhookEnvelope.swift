import JSON

/// The top level of Alertmanager's webhook body, read in one pass; members the operator does not
/// use (`groupLabels`, `commonLabels`, `externalURL`, ...) are checked and skipped.
struct WebhookEnvelope {
    var version: FieldRead<String> = .absent
    var status: FieldRead<AlertStatus> = .absent
    var receiver: FieldRead<String> = .absent
    var groupKey: FieldRead<String> = .absent
    var truncatedAlerts: FieldRead<Int> = .absent
    var alerts: FieldRead<[FieldRead<AlertFields>]> = .absent

    /// Reads the body's top-level value; anything but an object is the payload's error.
    static func read(_ scanner: inout JSONScanner, maxAlerts: Int) throws(JSONReaderError)
        -> FieldRead<WebhookEnvelope>
    {
        let kind = try scanner.kind()
        guard kind == .object else {
            return .wrong(.wrongType(path: "the payload", expected: "an object", found: "\(kind)"))
        }
        var envelope = WebhookEnvelope()
        try scanner.readObject { scanner, key throws(JSONReaderError) in
            switch key {
            case "version": envelope.version = try FieldValue.string(&scanner, path: "version")
            case "status": envelope.status = try FieldValue.status(&scanner, path: "status")
            case "receiver": envelope.receiver = try FieldValue.string(&scanner, path: "receiver")
            case "groupKey": envelope.groupKey = try FieldValue.string(&scanner, path: "groupKey")
            case "truncatedAlerts":
                envelope.truncatedAlerts = try FieldValue.integer(&scanner, path: "truncatedAlerts")
            case "alerts":
                envelope.alerts = try AlertFields.readList(
                    &scanner, name: "alerts", prefix: "alerts", maxAlerts: maxAlerts)
            default: break
            }
        }
        return .read(envelope)
    }

    /// The notification, or the first error in this order: version, alerts (type and count),
    /// status, the optional fields, then each alert in turn.
    func webhook() throws(WebhookError) -> AlertmanagerWebhook {
        let version = try version.required("version")
        guard version == "4" else { throw .unsupportedVersion(version) }
        let alerts = try alerts.required("alerts")
        return AlertmanagerWebhook(
            version: version,
            status: try status.required("status"),
            receiver: try receiver.optional() ?? "",
            groupKey: try groupKey.optional() ?? "",
            truncatedAlerts: try truncatedAlerts.optional() ?? 0,
            alerts: try alerts.enumerated().map { position, alert throws(WebhookError) in
                try alert.required("alerts[\(position)]").webhookAlert(path: "alerts[\(position)]")
            })
    }
}
