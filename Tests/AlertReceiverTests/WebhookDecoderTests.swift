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
        ("not JSON", "{{{", .malformed("unexpected character at byte 1")),
        ("JSON array", "[]", .wrongType(path: "the payload", expected: "an object", found: "an array")),
        (
            "truncated", #"{"version":"4","status":"firing","alerts":[{"#,
            .malformed("the JSON ends too early")
        ),
        (
            "trailing garbage", #"{"version":"4","status":"firing","alerts":[]} x"#,
            .malformed("unexpected data after the JSON value at byte 46")
        ),
        (
            "duplicate key", #"{"version":"4","version":"3","status":"firing","alerts":[]}"#,
            .malformed("the key 'version' appears twice in one object")
        ),
        (
            "deep nesting", String(repeating: "[", count: 100_000),
            .malformed("the JSON nests deeper than 64 levels")
        ),
        ("wrong version", #"{"version":"3","status":"firing","alerts":[]}"#, .unsupportedVersion("3")),
        (
            "version as number", #"{"version":4,"status":"firing","alerts":[]}"#,
            .wrongType(path: "version", expected: "a string", found: "a number")
        ),
        ("missing version", #"{"status":"firing","alerts":[]}"#, .missingField("version")),
        (
            "unknown status", #"{"version":"4","status":"burning","alerts":[]}"#,
            .invalidValue(path: "status", value: "burning")
        ),
        (
            "alerts not an array", #"{"version":"4","status":"firing","alerts":{}}"#,
            .wrongType(path: "alerts", expected: "an array", found: "an object")
        ),
        (
            "label value not a string",
            #"{"version":"4","status":"firing","alerts":[{"status":"firing","labels":{"brokerId":1},"annotations":{},"startsAt":"x","fingerprint":"f"}]}"#,
            .wrongType(path: "alerts[0].labels.brokerId", expected: "a string", found: "a number")
        ),
        (
            "alert without fingerprint",
            #"{"version":"4","status":"firing","alerts":[{"status":"firing","labels":{},"annotations":{},"startsAt":"x"}]}"#,
            .missingField("alerts[0].fingerprint")
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

    @Test func decodesPrometheusAlertPushes() throws {
        let body = #"""
            [{"labels":{"alertname":"A","kafka_cr":"kafka","namespace":"kafka"},"annotations":{"command":"upScale"},
              "startsAt":"2026-11-24T17:00:00Z","endsAt":"2026-11-24T17:05:00Z","generatorURL":"http://p"},
             {"labels":{"namespace":"kafka","kafka_cr":"kafka","alertname":"A"},"startsAt":"2026-11-24T17:00:00Z",
              "endsAt":"2026-11-24T16:00:00Z"}]
            """#
        let alerts = try decoder.decodePrometheusPush(Array(body.utf8), now: "2026-11-24T17:01:00Z")
        #expect(alerts.map(\.status) == [.firing, .resolved])
        #expect(alerts[0].annotations["command"] == "upScale")
        // The same labels in another order give the same fingerprint.
        #expect(alerts[0].fingerprint == alerts[1].fingerprint)
        #expect(alerts[0].fingerprint.count == 16)
        #expect(throws: WebhookError.wrongType(path: "the payload", expected: "an array", found: "an object"))
        {
            try decoder.decodePrometheusPush(Array("{}".utf8))
        }
    }
}
