import JSON

/// The fields of one alert, as either payload carries them (Alertmanager's webhook, Prometheus's
/// push), read in one pass; other members are checked and skipped.
struct AlertFields {
    var status: FieldRead<AlertStatus> = .absent
    var labels: FieldRead<[String: String]> = .absent
    var annotations: FieldRead<[String: String]> = .absent
    var startsAt: FieldRead<String> = .absent
    var endsAt: FieldRead<String> = .absent
    var fingerprint: FieldRead<String> = .absent

    /// Reads an array of alerts. Alerts past `maxAlerts` are only counted (and checked), so an
    /// oversized list costs no memory before it is refused. `name` is the list's path in
    /// errors, `prefix` its elements'.
    static func readList(_ scanner: inout JSONScanner, name: String, prefix: String, maxAlerts: Int)
        throws(JSONReaderError) -> FieldRead<[FieldRead<AlertFields>]>
    {
        let kind = try scanner.kind()
        guard kind == .array else {
            return .wrong(.wrongType(path: name, expected: "an array", found: "\(kind)"))
        }
        var alerts: [FieldRead<AlertFields>] = []
        var count = 0
        try scanner.readArray { scanner, position throws(JSONReaderError) in
            count += 1
            guard position < maxAlerts else { return }
            alerts.append(try read(&scanner, path: "\(prefix)[\(position)]"))
        }
        guard count <= maxAlerts else { return .wrong(.tooManyAlerts(count: count, limit: maxAlerts)) }
        return .read(alerts)
    }

    /// Reads the alert at `path`; a value that is not an object is the alert's error.
    static func read(_ scanner: inout JSONScanner, path: @autoclosure () -> String) throws(JSONReaderError)
        -> FieldRead<AlertFields>
    {
        let kind = try scanner.kind()
        guard kind == .object else {
            return .wrong(.wrongType(path: path(), expected: "an object", found: "\(kind)"))
        }
        var fields = AlertFields()
        try scanner.readObject { scanner, key throws(JSONReaderError) in
            switch key {
            case "status": fields.status = try FieldValue.status(&scanner, path: path() + ".status")
            case "labels": fields.labels = try FieldValue.stringMap(&scanner, path: path() + ".labels")
            case "annotations":
                fields.annotations = try FieldValue.stringMap(&scanner, path: path() + ".annotations")
            case "startsAt": fields.startsAt = try FieldValue.string(&scanner, path: path() + ".startsAt")
            case "endsAt": fields.endsAt = try FieldValue.string(&scanner, path: path() + ".endsAt")
            case "fingerprint":
                fields.fingerprint = try FieldValue.string(&scanner, path: path() + ".fingerprint")
            default: break
            }
        }
        return .read(fields)
    }

    /// An alert of Alertmanager's webhook: every field the operator uses is required.
    func webhookAlert(path: @autoclosure () -> String) throws(WebhookError) -> AlertmanagerWebhook.Alert {
        let fingerprint = try fingerprint.required(path() + ".fingerprint")
        guard !fingerprint.isEmpty else { throw .missingField(path() + ".fingerprint") }
        return AlertmanagerWebhook.Alert(
            status: try status.required(path() + ".status"),
            labels: try labels.required(path() + ".labels"),
            annotations: try annotations.required(path() + ".annotations"),
            startsAt: try startsAt.required(path() + ".startsAt"),
            fingerprint: fingerprint, endsAt: try endsAt.optional())
    }

    /// An alert of Prometheus's push: only `labels` is required; the fingerprint is derived from
    /// them, as Alertmanager does, and an alert whose `endsAt` is at or before `now` (both RFC
    /// 3339 in UTC) counts as resolved.
    func pushedAlert(path: @autoclosure () -> String, now: String) throws(WebhookError)
        -> AlertmanagerWebhook.Alert
    {
        let labels = try labels.required(path() + ".labels")
        let endsAt = try endsAt.optional()
        let resolved = endsAt.map { !$0.isEmpty && !$0.hasPrefix("0001-") && $0 <= now } ?? false
        return AlertmanagerWebhook.Alert(
            status: resolved ? .resolved : .firing, labels: labels,
            annotations: try annotations.optional() ?? [:],
            startsAt: try startsAt.optional() ?? "",
            fingerprint: LabelFingerprint.of(labels), endsAt: endsAt)
    }
}
