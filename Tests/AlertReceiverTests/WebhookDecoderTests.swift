import JSON
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

    /// The body is read once, straight into the alert types. A value of the wrong type waits
    /// until the whole body has been read: a body that is not JSON is refused as such whatever
    /// else is wrong with it, and the first error is the same whatever order the members are in.
    static let refusedInOnePass: [(name: String, body: String, error: WebhookError)] = [
        (
            "wrong version, then a repeated key in a member the operator skips",
            #"{"version":"3","status":"firing","alerts":[],"commonLabels":{"a":"1","a":"2"}}"#,
            .malformed("the key 'a' appears twice in one object")
        ),
        (
            "a label not a string, then a repeated annotation",
            #"{"version":"4","status":"firing","alerts":[{"labels":{"brokerId":1},"annotations":{"c":"x","c":"y"}}]}"#,
            .malformed("the key 'c' appears twice in one object")
        ),
        (
            "version as number, then the end", #"{"version":4,"alerts":["#,
            .malformed("the JSON ends too early")
        ),
        (
            "too deep inside a skipped member",
            #"{"version":"4","status":"firing","alerts":[],"groupLabels":"#
                + String(repeating: "[", count: 64),
            .malformed("the JSON nests deeper than 64 levels")
        ),
        ("version last", #"{"alerts":{},"status":"burning","version":"3"}"#, .unsupportedVersion("3")),
        (
            "status before alerts", #"{"status":"burning","alerts":{},"version":"4"}"#,
            .wrongType(path: "alerts", expected: "an array", found: "an object")
        ),
        (
            "fingerprint last in the alert",
            #"{"version":"4","status":"firing","alerts":[{"labels":5,"status":"x","fingerprint":""}]}"#,
            .missingField("alerts[0].fingerprint")
        ),
        (
            "the first wrong alert is named",
            #"{"version":"4","status":"firing","alerts":[{"fingerprint":"f","status":"x"},{"fingerprint":7}]}"#,
            .invalidValue(path: "alerts[0].status", value: "x")
        ),
        (
            "an alert that is not an object", #"{"version":"4","status":"firing","alerts":["x"]}"#,
            .wrongType(path: "alerts[0]", expected: "an object", found: "a string")
        ),
        (
            "truncatedAlerts not an integer",
            #"{"version":"4","status":"firing","alerts":[],"truncatedAlerts":1.5}"#,
            .wrongType(path: "truncatedAlerts", expected: "an integer", found: "a number")
        ),
        (
            "missing annotations",
            #"{"version":"4","status":"firing","alerts":[{"status":"firing","labels":{},"startsAt":"x","fingerprint":"f"}]}"#,
            .missingField("alerts[0].annotations")
        ),
    ]

    @Test(arguments: refusedInOnePass)
    func refusesInTheSameOrderWhateverTheDocumentOrder(
        _ row: (name: String, body: String, error: WebhookError)
    ) {
        #expect(throws: row.error, "\(row.name)") { try decoder.decode(Array(row.body.utf8)) }
    }

    @Test func alertsPastTheLimitAreStillCheckedAsJSON() {
        let alert = #"{"status":"firing","labels":{},"annotations":{},"startsAt":"x","fingerprint":"f"}"#
        let body =
            #"{"version":"4","status":"firing","alerts":["# + alert + "," + alert + #",{"x":1,"x":2}]}"#
        #expect(throws: WebhookError.malformed("the key 'x' appears twice in one object")) {
            try WebhookDecoder(maxAlerts: 2).decode(Array(body.utf8))
        }
    }

    /// Whatever is done to a real notification's bytes, the decoder refuses a body that is not
    /// JSON with exactly the generic reader's error, never crashes, and a body it accepts holds
    /// the alerts a generic tree of the same body holds.
    @Test(arguments: [
        "alertmanager-0.25-firing.json", "alertmanager-0.25-addpvc.raw.json",
        "alertmanager-0.25-resolved.raw.json", "alertmanager-0.25-truncated.raw.json",
    ])
    func mutatedNotificationsAgreeWithTheGenericReader(_ name: String) throws {
        let original = try Fixtures.bytes("alertmanager/\(name)")
        var random = SplitMix64(seed: 9)
        var (refused, decoded) = (0, 0)
        for _ in 0..<3_000 {
            let body = Self.mutate(original, &random)
            guard !body.isEmpty else { continue }
            let tree: JSONValue
            do {
                tree = try JSONReader.parse(body)
            } catch {
                refused += 1
                #expect(throws: WebhookError.malformed(error.description)) { try decoder.decode(body) }
                continue
            }
            guard let webhook = try? decoder.decode(body) else { continue }
            decoded += 1
            guard case .array(let alerts)? = tree["alerts"] else {
                Issue.record("decoded a body without an alerts array")
                continue
            }
            #expect(webhook.alerts.count == alerts.count)
            for (alert, value) in zip(webhook.alerts, alerts) {
                #expect(JSONValue.string(alert.fingerprint) == value["fingerprint"])
                #expect(JSONValue.string(alert.status.rawValue) == value["status"])
                #expect(alert.labels.mapValues(JSONValue.string) == Self.members(value["labels"]))
                #expect(alert.annotations.mapValues(JSONValue.string) == Self.members(value["annotations"]))
            }
        }
        // Both sides of the property were exercised.
        #expect(refused > 100 && decoded > 100, "\(refused) refused, \(decoded) decoded")
    }

    private static func members(_ value: JSONValue?) -> [String: JSONValue] {
        guard case .object(let members)? = value else { return [:] }
        return Dictionary(members.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
    }

    /// One small edit: a byte dropped, replaced or inserted (mostly JSON's own punctuation), or a
    /// short run repeated.
    private static func mutate(_ bytes: [UInt8], _ random: inout SplitMix64) -> [UInt8] {
        var bytes = bytes
        let punctuation = Array(#"{}[]",:0-1e.\u"#.utf8) + [0x20, 0x00, 0xC3, 0xFF]
        let position = Int(random.next() % UInt64(bytes.count))
        let byte = punctuation[Int(random.next() % UInt64(punctuation.count))]
        switch random.next() % 4 {
        case 0: bytes.remove(at: position)
        case 1: bytes[position] = byte
        case 2: bytes.insert(byte, at: position)
        default:
            let end = min(bytes.count, position + 1 + Int(random.next() % 40))
            bytes.insert(contentsOf: bytes[position..<end], at: position)
        }
        return bytes
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

/// A seeded generator, so a failing mutation is found again on the next run.
private struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}
