import Foundation
import TestSupport
import Testing

/// `kafka-operator kafka ...` against a real Kafka-protocol broker.
@Suite struct KafkaCommandTests {
    @Test func healthReportsAHealthyBroker() async throws {
        guard TansuBroker.isAvailable else { return }
        let broker = try await TansuBroker()
        defer { broker.stop() }
        let output = try runProcess(
            OperatorProcess.binary, ["kafka", "health", "--bootstrap", broker.bootstrap])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout.contains("healthy"))
        #expect(output.stdout.contains("controller: 111"))

        let json = try runProcess(
            OperatorProcess.binary, ["kafka", "health", "--bootstrap", broker.bootstrap, "--json"])
        let report = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect(report?["isHealthy"] as? Bool == true, "\(json.stdout)")
    }

    @Test func describeConfigsAnswersForTheBroker() async throws {
        guard TansuBroker.isAvailable else { return }
        let broker = try await TansuBroker()
        defer { broker.stop() }
        let output = try runProcess(
            OperatorProcess.binary,
            ["kafka", "describe-configs", "--bootstrap", broker.bootstrap, "--broker", "111"])
        #expect(output.status == 0, "\(output.stderr)")
    }

    @Test func anUnreachableClusterIsAClearFailure() throws {
        let port = freeLoopbackPort()
        let output = try runProcess(
            OperatorProcess.binary,
            ["kafka", "health", "--bootstrap", "127.0.0.1:\(port)", "--timeout", "1"])
        #expect(output.status == 2, "\(output.stdout)\(output.stderr)")
        #expect(!output.stderr.isEmpty)
    }
}
