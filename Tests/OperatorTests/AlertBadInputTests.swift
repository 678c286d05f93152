import Foundation
import TestSupport
import Testing

/// Hostile and malformed notifications: a clear answer, the stored cluster byte for byte
/// unchanged, and the server still answering.
@Suite(.serialized) struct AlertBadInputTests {
    static func alert(labels: String, annotations: String) -> String {
        #"{"version":"4","status":"firing","receiver":"op","groupKey":"g","truncatedAlerts":0,"alerts":[{"status":"firing","labels":{\#(labels)},"annotations":{\#(annotations)},"startsAt":"2026-11-24T17:00:17.451Z","fingerprint":"bad1"}]}"#
    }

    static let cluster = #""kafka_cr":"kafka","namespace":"kafka""#

    static let rows: [(name: String, body: String, status: Int, says: String)] = [
        ("malformed JSON", #"{"version":"4","#, 400, "the JSON ends too early"),
        (
            "wrong version", #"{"version":"3","status":"firing","alerts":[]}"#, 400,
            "version '3' is not supported"
        ),
        (
            "missing labels", alert(labels: #""alertname":"x""#, annotations: #""command":"upScale""#), 200,
            "no kafka_cr label"
        ),
        (
            "missing namespace", alert(labels: #""kafka_cr":"kafka""#, annotations: #""command":"upScale""#),
            200, "no namespace label"
        ),
        (
            "unknown command", alert(labels: cluster, annotations: #""command":"explode""#), 200,
            "unknown command 'explode'"
        ),
        (
            "brokerId x",
            alert(labels: cluster + #","brokerId":"x""#, annotations: #""command":"downScale""#), 200,
            "'x' is not a broker id"
        ),
        (
            "negative disk",
            alert(
                labels: cluster + #","brokerId":"0""#, annotations: #""command":"addPvc","diskSize":"-5Gi""#),
            200, "is negative"
        ),
        (
            "unparsable disk",
            alert(
                labels: cluster + #","brokerId":"0""#, annotations: #""command":"addPvc","diskSize":"lots""#),
            200, "is not a quantity"
        ),
        (
            "unknown cluster",
            alert(labels: #""kafka_cr":"ghost","namespace":"kafka""#, annotations: #""command":"upScale""#),
            200, "does not exist"
        ),
        (
            "10,000 alerts",
            #"{"version":"4","status":"firing","alerts":["#
                + Array(
                    repeating:
                        #"{"status":"firing","labels":{},"annotations":{},"startsAt":"x","fingerprint":"f"}"#,
                    count: 10_000
                )
                .joined(separator: ",") + "]}",
            400, "the payload carries 10000 alerts, more than the limit of 1000"
        ),
        ("body over the limit", String(repeating: " ", count: 2 << 20), 413, "exceeds the limit"),
        (
            "label value not a string", alert(labels: #""kafka_cr":7"#, annotations: ""), 400,
            "alerts[0].labels.kafka_cr should be a string"
        ),
    ]

    @Test func everyBadNotificationIsRefusedClearlyAndChangesNothing() async throws {
        guard Peer.available("curl") else { return }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let manifest = repositoryRoot.appendingPathComponent("examples/kafkacluster.yaml").path
        let server = try await OperatorProcess(arguments: ["--cluster", manifest], logDirectory: directory)
        defer { server.process.stop() }
        // Once every broker is Ready nothing writes to the cluster, so any write is a refusal's.
        #expect(await server.waitUntilClusterRunning(), "\(server.process.log)")
        let before = try server.clusterVersion()
        for row in Self.rows {
            let bodyFile = directory.file("body.json")
            try Data(row.body.utf8).write(to: bodyFile)
            let answer = try server.curl("/alerts", ["--data-binary", "@\(bodyFile.path)"])
            #expect(answer.status == row.status, "\(row.name): \(answer.status) \(answer.body.prefix(300))")
            #expect(answer.body.contains(row.says), "\(row.name): \(answer.body.prefix(300))")
            #expect(try server.clusterVersion() == before, "\(row.name) changed the stored cluster")
            #expect(try server.curl("/healthz").status == 200, "\(row.name): the server stopped answering")
        }
    }
}
