import Foundation
import TestSupport
import Testing

/// `serve` reaches Kafka with the same options as `kafka` (spelled `--kafka-*`), and a downScale
/// without brokerId whose broker choice cannot ask Kafka waits and says why instead of removing
/// another.
@Suite(.serialized) struct ServeKafkaOptionsTests {
    static let manifest = repositoryRoot.appendingPathComponent("examples/kafkacluster.yaml").path

    @Test func aDownScaleWhoseBrokerChoiceCannotAskKafkaWaitsWithTheReason() async throws {
        guard Peer.available("curl") else { return }
        // Listening but never accepting: what a firewalled or hung broker looks like.
        let silent = try #require(boundLoopbackSocket(listeningWith: 8))
        defer { close(silent.fd) }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let server = try await OperatorProcess(
            arguments: [
                "--cluster", Self.manifest, "--api-token", "ops", "--cooldown", "0",
                "--kafka-bootstrap", "127.0.0.1:\(silent.port)", "--kafka-timeout", "1",
            ], logDirectory: directory)
        defer { server.process.stop() }
        let path = "/api/v1/namespaces/kafka/kafkaclusters/kafka/actions"
        let auth = ["-H", "Authorization: Bearer ops", "-H", "Content-Type: application/json"]
        // A scaling action waits for a running cluster: each one here starts from one.
        #expect(await server.waitUntilClusterRunning(), "\(server.process.log)")
        _ = try server.curl(path, auth + ["--data-binary", #"{"command":"upScale"}"#])
        #expect(try server.brokerIDs() == [0, 1, 2, 3])
        #expect(await server.waitUntilClusterRunning(), "\(server.process.log)")

        // The request is answered at once: the broker is chosen by the reconciler, which asks
        // Kafka, fails within its deadline, says so, and removes no broker on a guess.
        let start = ContinuousClock.now
        let answer = try server.curl(path, auth + ["--data-binary", #"{"command":"downScale"}"#])
        #expect(start.duration(to: .now) < .seconds(1))
        #expect(answer.status == 202, "\(answer.body)")
        #expect(answer.body.contains("the one the reconciler chooses"), "\(answer.body)")
        #expect(
            await waitUntil(timeout: .seconds(20)) {
                server.process.log.contains("Kafka metadata unavailable")
                    && server.process.log.contains("within the 1.0 s deadline")
            }, "\(server.process.log)")
        #expect(try server.brokerIDs() == [0, 1, 2, 3], "no broker removed on a guess")

        // Until the choice is made, another scaling action waits.
        let next = try server.curl(path, auth + ["--data-binary", #"{"command":"upScale"}"#])
        #expect(next.status == 409, "\(next.body)")
        #expect(next.body.contains("waits for the reconciler to choose its broker"), "\(next.body)")
    }

    @Test(arguments: [
        (["--kafka-bootstrap", "a b"], 1, "is not a comma-separated list of host:port"),
        (["--kafka-sasl-mechanism", "PLAIN"], 64, "--kafka-sasl-mechanism needs --kafka-sasl-username"),
        (["--kafka-cert-file", "c.pem"], 64, "--kafka-cert-file and --kafka-key-file go together"),
        (["--kafka-timeout", "0"], 64, "--kafka-timeout must be"),
    ])
    func kafkaSettingsThatCannotWorkStopTheStart(arguments: [String], status: Int32, message: String) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let output = try runProcess(
            OperatorProcess.binary,
            [
                "serve", "--listen", "127.0.0.1:0", "--data-dir", directory.file("data").path,
                "--local-cluster",
                "--local-cluster-listen", "127.0.0.1:0",
            ] + arguments)
        #expect(output.status == status, "\(output.stdout)\(output.stderr)")
        #expect(output.stderr.contains(message), "\(output.stderr)")
    }
}
