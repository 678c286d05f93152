import Foundation
import TestSupport
import Testing

@testable import AlertReceiver

@Suite struct LabelFingerprintTests {
    /// Label sets whose fingerprints must match Prometheus's: the operator's own, and the ones
    /// where a wrong separator, ordering or byte handling would show.
    static let labelSets: [[String: String]] = [
        [
            "alertname": "KafkaPartitionCountHigh", "kafka_cr": "kafka", "namespace": "kafka",
            "severity": "alert",
        ],
        ["alertname": "A"],
        // The separator keeps these two apart.
        ["alertname": "sep", "a": "bc"],
        ["alertname": "sep", "ab": "c"],
        // Byte order: upper case before underscore before lower case.
        ["alertname": "order", "B": "1", "_b": "2", "b": "3", "a_": "4", "a": "5"],
        ["alertname": "text", "value": "spaces, \"quotes\", = and {braces}\nand a new line\t"],
        ["alertname": "unicode", "value": "é e\u{301} 日本 🙂"],
        ["alertname": "long", "value": String(repeating: "x", count: 4096)],
        Dictionary(uniqueKeysWithValues: (0..<40).map { ("label_\($0)", "value \($0)") })
            .merging(["alertname": "many"]) { first, _ in first },
    ]

    /// Fingerprints a real Alertmanager 0.25 put in its webhook notifications (the fixtures).
    @Test func equalsTheFingerprintsInRealNotifications() throws {
        let decoder = WebhookDecoder()
        for fixture in [
            "alertmanager/alertmanager-0.25-firing.json", "alertmanager/alertmanager-0.25-addpvc.raw.json",
            "alertmanager/alertmanager-0.25-resolved.raw.json",
            "alertmanager/alertmanager-0.25-truncated.raw.json",
        ] {
            for alert in try decoder.decode(try Fixtures.bytes(fixture)).alerts {
                #expect(LabelFingerprint.of(alert.labels) == alert.fingerprint, "\(fixture): \(alert.labels)")
            }
        }
    }

    @Test func anEmptyLabelSetIsTheFNVOffsetBasis() {
        #expect(LabelFingerprint.of([:]) == "cbf29ce484222325")
    }

    /// Posts each label set to a real Alertmanager's API v2 and compares the fingerprint it
    /// reports with ours.
    @Test(.enabled(if: AlertmanagerPeer.isAvailable))
    func equalsTheFingerprintsARealAlertmanagerReports() async throws {
        let alerts = Self.labelSets.map { labels in
            ["labels": labels, "annotations": ["command": "upScale"], "startsAt": "2026-11-24T17:00:17.451Z"]
        }
        let reported = try await AlertmanagerPeer.with { alertmanager in
            try await alertmanager.post(alerts: try JSONSerialization.data(withJSONObject: alerts))
            let body = try await alertmanager.alerts()
            return try #require(try JSONSerialization.jsonObject(with: body) as? [[String: Any]])
        }
        #expect(reported.count == Self.labelSets.count)
        for labels in Self.labelSets {
            let theirs = reported.first { ($0["labels"] as? [String: String]) == labels }
            let fingerprint = try #require(
                theirs?["fingerprint"] as? String, "Alertmanager does not hold \(labels)")
            #expect(LabelFingerprint.of(labels) == fingerprint, "\(labels)")
        }
    }
}
