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

    @Test func aFiringRuleReachesTheOperatorWithItsCredentials() async throws {
        guard AlertingStack.isAvailable else { return }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let server = try await OperatorProcess(
            arguments: ["--alerts-token", "am-token"], logDirectory: directory)
        defer { server.process.stop() }
        let stack = try await AlertingStack(
            rules: Self.rule, webhookURL: server.baseURL + "/alerts", bearerToken: "am-token")
        defer { stack.stop() }

        let delivered = await waitUntil(timeout: .seconds(60)) {
            server.process.log.contains("msg=\"alert received\"")
        }
        #expect(delivered, "no notification arrived.\n\(server.process.log)\n\(stack.logs)")
        let received = server.process.log.split(separator: "\n").filter { $0.contains("alert received") }
        #expect(received.allSatisfy { $0.contains("command=upScale") && $0.contains("status=firing") })
        #expect(!server.process.log.contains("bad credentials"))
    }
}
