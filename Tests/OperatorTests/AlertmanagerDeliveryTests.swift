import Foundation
import TestSupport
import Testing

/// Real Prometheus → real Alertmanager → the running operator.
@Suite struct AlertmanagerDeliveryTests {
    static let rule = """
        groups:
          - name: test
            rules:
              - alert: KafkaPartitionCountHigh
                expr: vector(1)
                labels: {kafka_cr: kafka, namespace: kafka, severity: alert}
                annotations: {command: upScale, brokerConfigGroup: default}
        """

    /// Alertmanager re-sends the firing alert every 2 s; exactly one broker is added.
    @Test func aFiringRuleAddsExactlyOneBrokerThoughAlertmanagerKeepsResending() async throws {
        guard AlertingStack.isAvailable else { return }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let manifest = repositoryRoot.appendingPathComponent("examples/kafkacluster.yaml").path
        let server = try await OperatorProcess(
            arguments: ["--alerts-token", "am-token", "--cluster", manifest], logDirectory: directory)
        defer { server.process.stop() }
        let stack = try await AlertingStack(
            rules: Self.rule, webhookURL: server.baseURL + "/alerts", bearerToken: "am-token",
            repeatInterval: "2s")
        defer { stack.stop() }

        // Re-sends are counted, not logged at info.
        func duplicates() throws -> Int {
            let metrics = try server.curl("/metrics").body
            let line = metrics.split(separator: "\n").first {
                $0.hasPrefix(#"alerts_total{outcome="duplicate"}"#)
            }
            return line.flatMap { Int($0.split(separator: " ").last ?? "") } ?? 0
        }
        let resent = try await waitUntil(timeout: .seconds(90)) { try duplicates() >= 2 }
        #expect(resent, "fewer than 3 notifications arrived.\n\(server.process.log)\n\(stack.logs)")
        let lines = server.process.log.split(separator: "\n").filter { $0.contains("msg=\"alert ") }
        #expect(lines.map { $0.contains("msg=\"alert accepted\"") } == [true], "\(lines)")
        #expect(!server.process.log.contains("bad credentials"))
        #expect(try server.brokerIDs() == [0, 1, 2, 3])
    }

    /// Koperator-style: Prometheus's alerting points at the operator itself.
    @Test func prometheusCanPushAlertsStraightToTheOperator() async throws {
        guard AlertingStack.isAvailable else { return }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let manifest = repositoryRoot.appendingPathComponent("examples/kafkacluster.yaml").path
        let server = try await OperatorProcess(
            arguments: ["--alerts-token", "p-token", "--cluster", manifest], logDirectory: directory)
        defer { server.process.stop() }
        let stack = try await AlertingStack(
            rules: Self.rule, webhookURL: server.baseURL + "/alerts", bearerToken: "p-token",
            prometheusTarget: "127.0.0.1:\(server.port)")
        defer { stack.stop() }
        let acted = await waitUntil(timeout: .seconds(90)) {
            server.process.log.contains("msg=\"alert accepted\"")
        }
        #expect(acted, "\(server.process.log)\n\(stack.logs)")
        #expect(
            server.process.log.contains("path=/api/v2/alerts")
                || server.process.log.contains("alert accepted"))
        #expect(!server.process.log.contains("bad credentials"))
    }
}
