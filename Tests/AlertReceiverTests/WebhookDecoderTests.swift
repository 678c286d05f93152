import TestSupport
import Testing

@testable import AlertReceiver

@Suite struct WebhookDecoderTests {
    let decoder = WebhookDecoder(maxAlerts: 1000)

    @Test func decodesTheRealFiringNotification() throws {
        let webhook = try decoder.decode(try Fixtures.bytes("alertmanager/alertmanager-0.25-firing.json"))
        #expect(webhook.version == "4")
        #expect(webhook.status == .firing)
        #expect(webhook.receiver == "op")
        #expect(webhook.alerts.count == 1)
        let alert = try #require(webhook.alerts.first)
        #expect(alert.fingerprint == "6b06d65f877c8079")
        #expect(alert.startsAt == "2026-11-24T17:00:17.451Z")
        #expect(alert.labels["kafka_cr"] == "kafka")
        #expect(alert.annotations["command"] == "upScale")
    }

    @Test func decodesTheResolvedAndTruncatedNotifications() throws {
        let resolved = try decoder.decode(
            try Fixtures.bytes("alertmanager/alertmanager-0.25-resolved.raw.json"))
        #expect(resolved.alerts.allSatisfy { $0.status == .resolved })
        let truncated = try decoder.decode(
            try Fixtures.bytes("alertmanager/alertmanager-0.25-truncated.raw.json"))
        #expect(truncated.truncatedAlerts > 0)
        let addPVC = try decoder.decode(try Fixtures.bytes("alertmanager/alertmanager-0.25-addpvc.raw.json"))
        #expect(addPVC.alerts.first?.labels["persistentvolumeclaim"] == "kafka-0-storage-0-abcde")
    }

    static let refused: [(name: String, body: String, error: WebhookError)] = [
        ("empty body", "", .emptyBody),
        ("not JSON", "{{{", .malformed("invalid JSON")),
        ("JSON array", "[]", .malformed("the payload should be Dictionary<String, Any>")),
        ("truncated", #"{"version":"4","status":"firing","alerts":[{"#, .malformed("invalid JSON")),
        ("wrong version", #"{"version":"3","status":"firing","alerts":[]}"#, .unsupportedVersion("3")),
        ("missing version", #"{"status":"firing","alerts":[]}"#, .malformed("version is missing")),
        (
            "unknown status", #"{"version":"4","status":"burning","alerts":[]}"#,
            .malformed("status has an invalid value")
        ),
        (
            "alerts not an array", #"{"version":"4","status":"firing","alerts":{}}"#,
            .malformed("alerts should be Array<Any>")
        ),
        (
            "label value not a string",
            #"{"version":"4","status":"firing","alerts":[{"status":"firing","labels":{"brokerId":1},"annotations":{},"startsAt":"x","fingerprint":"f"}]}"#,
            .malformed("alerts[0].labels.brokerId should be String")
        ),
        (
            "alert without fingerprint",
            #"{"version":"4","status":"firing","alerts":[{"status":"firing","labels":{},"annotations":{},"startsAt":"x"}]}"#,
            .malformed("alerts[0].fingerprint is missing")
        ),
        (
            "empty fingerprint",
            #"{"version":"4","status":"firing","alerts":[{"status":"firing","labels":{},"annotations":{},"startsAt":"x","fingerprint":""}]}"#,
            .missingField("alerts[0].fingerprint")
        ),
    ]

    @Test(arguments: refused)
    func refusesBadBodiesWithAClearError(_ row: (name: String, body: String, error: WebhookError)) {
        #expect(throws: row.error, "\(row.name)") { try decoder.decode(Array(row.body.utf8)) }
    }

    @Test func refusesMoreAlertsThanTheLimit() throws {
        let alert = #"{"status":"firing","labels":{},"annotations":{},"startsAt":"x","fingerprint":"f"}"#
        let body =
            #"{"version":"4","status":"firing","alerts":["#
            + Array(repeating: alert, count: 10_000).joined(separator: ",") + "]}"
        #expect(throws: WebhookError.tooManyAlerts(count: 10_000, limit: 1000)) {
            try decoder.decode(Array(body.utf8))
        }
    }
}
