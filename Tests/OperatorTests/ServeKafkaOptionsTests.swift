import Foundation
import TestSupport
import Testing

/// `serve` reaches Kafka with the same options as `kafka` (spelled `--kafka-*`), and a downScale
/// without brokerId whose broker choice cannot ask Kafka says so instead of removing another.
@Suite(.serialized) struct ServeKafkaOptionsTests {
    static let manifest = repositoryRoot.appendingPathComponent("examples/kafkacluster.yaml").path

    @Test func aDownScaleWhoseBrokerChoiceCannotAskKafkaIsDeferredWithTheReason() async throws {
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

        let start = ContinuousClock.now
        let answer = try server.curl(path, auth + ["--data-binary", #"{"command":"downScale"}"#])
        #expect(start.duration(to: .now) < .seconds(5))
        #expect(answer.status == 409, "\(answer.body)")
        #expect(answer.body.contains("deferred"), "\(answer.body)")
        #expect(answer.body.contains("the broker to remove could not be chosen"), "\(answer.body)")
        #expect(answer.body.contains("within the 1.0 s deadline"), "\(answer.body)")
        #expect(try server.brokerIDs() == [0, 1, 2, 3], "no broker removed on a guess")
        #expect(server.process.log.contains("Kafka metadata unavailable"), "\(server.process.log)")

        // Naming the broker needs no choice, so Kafka is not asked.
        let named = try server.curl(
            path, auth + ["--data-binary", #"{"command":"downScale","brokerId":"3"}"#])
        #expect(named.status == 202, "\(named.body)")
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
